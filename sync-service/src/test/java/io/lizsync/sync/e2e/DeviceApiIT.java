package io.lizsync.sync.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lizsync.proto.registry.v1.CreateUserRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The device flow over REST (seed 003, ADR 0021) with every part real: the gateway, registry,
 * central's sync-service and a clone, each its own process. A field user logs in with the session
 * cookie, sees its project, describes a layer and downloads deltas for the seed's devices A, B and
 * C; an answer cut by a proxy loses nothing; uploads are idempotent, validated by field and reach
 * the clone; a clone's edit reaches the device; a layer of a project not granted, a blocked device
 * and another user's device are 403s; a layer's document (file-service's media store) downloads
 * whole and resumes with Range.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeviceApiIT {

    static final String DDL = """
            CREATE SCHEMA obs;
            CREATE TABLE obs.observation (id serial PRIMARY KEY, uid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
                indicator text NOT NULL, value numeric, geom geometry(Point, 2154));
            """;
    static final String LAYER = "/layers/obs/observation";
    static final String A = "847bd592-0bc5-84d7-bf79-ae40fa544557";
    static final String B = "9d10aaab-84f9-87ca-e564-515e746fb2ba";
    static final String C = "3ee487d9-f909-634d-2455-0c8fbead6e4e";
    static final String D = "d0000000-0000-4000-8000-00000000000d";
    static final Path GATEWAY_JAR = Path.of("..", "gateway", "target", "quarkus-app", "quarkus-run.jar");
    static final String PASSWORD = "a long field passphrase";
    static final ObjectMapper JSON = new ObjectMapper();

    static final Path FILES_JAR = Path.of("..", "file-service", "target", "quarkus-app", "quarkus-run.jar");

    static Mesh mesh;
    static ServiceProcess files;
    static Path filesWork;
    static ServiceProcess gateway;
    static TcpProxy proxy;
    static String project;
    static String otherProject;
    static Session fred;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Session(String cookie, String csrf) {
    }

    @BeforeAll
    static void start() throws Exception {
        mesh = Mesh.start(DDL, "obs", List.<String[]>of(new String[] {"obs", "observation"}), "clone-a");
        filesWork = java.nio.file.Files.createTempDirectory("lizsync-device-files-");
        files = ServiceProcess.start("device-files", FILES_JAR, Map.of("LIZSYNC_FILES_WORK_DIR", filesWork.toString()));
        gateway = ServiceProcess.start("gateway", GATEWAY_JAR, Map.of(
                "QUARKUS_GRPC_CLIENTS_SYNC_PORT", Integer.toString(mesh.central.port),
                "QUARKUS_GRPC_CLIENTS_REGISTRY_PORT", Integer.toString(mesh.registry.port),
                "QUARKUS_GRPC_CLIENTS_FILES_PORT", Integer.toString(files.port)));
        proxy = new TcpProxy(gateway.port);
        var registry = RegistryProcess.admin(mesh.channel(mesh.registry.port));
        for (String login : List.of("fred", "gina")) {
            registry.createUser(CreateUserRequest.newBuilder().setLogin(login).setPassword(PASSWORD).addRoles("field").build());
        }
        project = createProject("rain", "field");
        otherProject = createProject("secret", "operator");
        fred = login("fred");
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {proxy, gateway, files, mesh}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // the next one still closes
            }
        }
    }

    static String createProject(String key, String role) throws Exception {
        var made = send(admin(json("/api/v1/projects", "POST", "{\"key\":\"" + key + "\",\"title\":\"" + key
                + "\",\"allowedRoles\":[\"" + role + "\"]}")));
        assertEquals(201, made.statusCode(), made.body());
        String id = JSON.readTree(made.body()).get("id").asText();
        var layers = send(admin(json("/api/v1/projects/" + id + "/layers", "PUT", "{\"layers\":[{\"table\":{\"schema\":\"obs\","
                + "\"table\":\"observation\"},\"title\":\"Observations\",\"geometryColumn\":\"geom\",\"editable\":true}]}")));
        assertEquals(200, layers.statusCode(), layers.body());
        return id;
    }

    static HttpRequest.Builder request(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(60));
    }

    static HttpRequest.Builder json(String path, String method, String body) {
        return request(gateway.port, path).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body));
    }

    static HttpRequest.Builder admin(HttpRequest.Builder r) {
        return r.header("Authorization", "Bearer " + io.lizsync.testkit.TestKeys.get().token("admin", "administrator"));
    }

    /** The session's cookie, and for writes its CSRF token. */
    static HttpRequest.Builder as(Session s, HttpRequest.Builder r) {
        return r.header("Cookie", s.cookie()).header("X-CSRF-Token", s.csrf());
    }

    static HttpResponse<String> send(HttpRequest.Builder r) throws Exception {
        return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    static Session login(String login) throws Exception {
        var r = send(json("/api/v1/session", "POST", "{\"login\":\"" + login + "\",\"password\":\"" + PASSWORD + "\"}"));
        assertEquals(200, r.statusCode(), r.body());
        String cookie = r.headers().allValues("set-cookie").stream().filter(c -> c.startsWith("lizsync_session=")).findFirst()
                .orElseThrow();
        return new Session(cookie.substring(0, cookie.indexOf(';')), JSON.readTree(r.body()).get("csrfToken").asText());
    }

    static String rowsPath(String projectId, String query) {
        return "/api/v1/projects/" + projectId + LAYER + "/rows" + (query == null ? "" : "?" + query);
    }

    /** A download of {@code device} (null: no header) as fred, every page; asserts a 200 and a complete answer. */
    static JsonNode download(String device, String checkpoint) throws Exception {
        var r = send(rows(fred, device, checkpoint, gateway.port));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode answer = JSON.readTree(r.body());
        assertTrue(answer.get("complete").asBoolean(), r.body());
        assertTrue(answer.get("next").isNull(), "one page");
        return answer;
    }

    static HttpRequest.Builder rows(Session s, String device, String checkpoint, int port) {
        var r = request(port, rowsPath(project, checkpoint == null ? null : "checkpoint=" + java.net.URLEncoder.encode(checkpoint,
                java.nio.charset.StandardCharsets.UTF_8))).header("Cookie", s.cookie());
        return device == null ? r : r.header("X-Device-Id", device);
    }

    static void confirm(String device, String checkpoint) throws Exception {
        var r = send(as(fred, json("/api/v1/projects/" + project + LAYER + "/checkpoints", "POST",
                "{\"checkpoint\":\"" + checkpoint + "\"}")).header("X-Device-Id", device));
        assertEquals(200, r.statusCode(), r.body());
    }

    static Set<String> uids(JsonNode answer) {
        Set<String> uids = new HashSet<>();
        answer.get("rows").forEach(r -> uids.add(r.get("uid").asText()));
        return uids;
    }

    static HttpResponse<String> upload(Session s, String device, String key, String edits) throws Exception {
        var r = as(s, json("/api/v1/projects/" + project + LAYER + "/rows", "POST", "{\"edits\":" + edits + "}"))
                .header("X-Device-Id", device);
        return send(key == null ? r : r.header("Idempotency-Key", key));
    }

    @Test
    @Order(1)
    void theSeedsFlowForDevicesAbAndC() throws Exception {
        var projects = send(request(gateway.port, "/api/v1/projects").header("Cookie", fred.cookie()));
        assertTrue(projects.body().contains(project) && !projects.body().contains(otherProject), projects.body());
        var layer = send(request(gateway.port, "/api/v1/projects/" + project + LAYER).header("Cookie", fred.cookie()));
        assertEquals(200, layer.statusCode(), layer.body());
        JsonNode l = JSON.readTree(layer.body());
        assertEquals("POINT", l.get("geometryType").asText());
        assertEquals(2154, l.get("srid").asInt());
        assertEquals("uid", l.get("uidColumn").asText());
        assertEquals("Observations", l.get("title").asText());
        assertFalse(l.get("structureVersion").asText().isEmpty());

        mesh.sql("central", "INSERT INTO obs.observation (indicator, value, geom) VALUES ('pluviometry', 1,"
                + " 'SRID=2154;POINT(100 100)'), ('pluviometry', 2, 'SRID=2154;POINT(200 200)'),"
                + " ('temperature', 3, 'SRID=2154;POINT(300 300)')");
        String obs1 = mesh.one("central", "SELECT uid::text FROM obs.observation WHERE value = 1");
        JsonNode a = download(A, null);
        assertEquals(3, a.get("rows").size(), a.toString());
        assertTrue(a.get("reset").asBoolean());
        confirm(A, a.get("checkpoint").asText());
        // A holds version 1 of observation 1; central changes it; B downloads after the change.
        mesh.sql("central", "UPDATE obs.observation SET value = 10 WHERE value = 1");
        JsonNode b = download(B, null);
        confirm(B, b.get("checkpoint").asText());

        JsonNode aDelta = download(A, null);
        assertEquals(Set.of(obs1), uids(aDelta), "A gets observation 1: its version differs");
        assertEquals(10, aDelta.get("rows").get(0).get("row").get("value").asInt(), aDelta.toString());
        JsonNode bDelta = download(B, null);
        assertEquals(0, bDelta.get("rows").size(), "B is up to date: " + bDelta);
        JsonNode c = download(C, null);
        assertEquals(3, c.get("rows").size(), "C never synced: everything");
        JsonNode everything = download(null, null);
        assertEquals(3, everything.get("rows").size());
        assertTrue(everything.get("checkpoint").isNull(), "no device, no checkpoint");

        // Echoing A's checkpoint confirms it: the next answer is empty; a deletion arrives as a removal.
        JsonNode echoed = download(A, aDelta.get("checkpoint").asText());
        assertEquals(0, echoed.get("rows").size(), echoed.toString());
        mesh.sql("central", "DELETE FROM obs.observation WHERE value = 2");
        String gone = mesh.one("central", "SELECT count(*) FROM obs.observation WHERE value = 2");
        assertEquals("0", gone);
        JsonNode removal = download(A, echoed.get("checkpoint").asText());
        assertEquals(1, removal.get("removed").size(), removal.toString());
        confirm(A, removal.get("checkpoint").asText());
    }

    @Test
    @Order(2)
    void anAnswerCutByTheLinkLosesNothingOnTheRetry() throws Exception {
        JsonNode first = download(D, null);
        confirm(D, first.get("checkpoint").asText());
        mesh.sql("central", "INSERT INTO obs.observation (indicator, value, geom) SELECT 'batch', g,"
                + " ST_SetSRID(ST_MakePoint(g, g), 2154) FROM generate_series(1, 1200) g");
        proxy.cutAfter(4000);
        boolean cut;
        try {
            var r = HTTP.send(rows(fred, D, null, proxy.port()).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode answer = null;
            try {
                answer = JSON.readTree(r.body());
            } catch (Exception notJson) {
                // the answer stops in the middle of the rows: not a JSON document
            }
            cut = answer == null || !answer.path("complete").asBoolean();
        } catch (java.io.IOException e) {
            cut = true;
        }
        assertTrue(cut, "the proxy cut the answer");
        assertTrue(proxy.cuts() > 0);
        proxy.heal();
        var retry = HTTP.send(rows(fred, D, null, proxy.port()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, retry.statusCode());
        JsonNode whole = JSON.readTree(retry.body());
        assertEquals(1200, whole.get("rows").size(), "the retry has every row the cut answer carried and the rest");
        confirm(D, whole.get("checkpoint").asText());
        assertEquals(0, download(D, null).get("rows").size());
    }

    @Test
    @Order(3)
    void refusalsAreProblemDocuments() throws Exception {
        // A layer of a project fred is not granted.
        var other = send(request(gateway.port, "/api/v1/projects/" + otherProject + LAYER + "/rows").header("Cookie", fred.cookie()));
        assertEquals(403, other.statusCode(), other.body());
        assertTrue(other.body().contains("not granted"), other.body());
        // Nor the project itself, its layers or its documents.
        for (String part : new String[] {"", "/layers", "/documents"}) {
            var hidden = send(request(gateway.port, "/api/v1/projects/" + otherProject + part).header("Cookie", fred.cookie()));
            assertEquals(403, hidden.statusCode(), part + ": " + hidden.body());
        }
        // Another user's device.
        Session gina = login("gina");
        var stolen = send(rows(gina, A, null, gateway.port));
        assertEquals(403, stolen.statusCode(), stolen.body());
        assertTrue(stolen.body().contains("another user"), stolen.body());
        // A blocked device, until it is unblocked.
        assertEquals(200, send(admin(json("/api/v1/devices/" + D + "/block", "POST", ""))).statusCode());
        var blocked = send(rows(fred, D, null, gateway.port));
        assertEquals(403, blocked.statusCode(), blocked.body());
        assertTrue(blocked.body().contains("blocked"), blocked.body());
        assertEquals(403, upload(fred, D, "k-blocked", "[{\"op\":\"create\",\"values\":{\"indicator\":\"x\"}}]").statusCode());
        var listed = send(admin(request(gateway.port, "/api/v1/devices")));
        assertTrue(listed.body().contains("\"blocked\":true"), listed.body());
        assertEquals(200, send(admin(json("/api/v1/devices/" + D + "/unblock", "POST", ""))).statusCode());
        assertEquals(200, send(rows(fred, D, null, gateway.port)).statusCode());
        // Blocked on the registry itself (not through the gateway, whose checks of D are kept): refused within the
        // kept checks' lifetime (lizsync.gateway.devices.checks-ttl, 5 s), never later.
        RegistryProcess.admin(mesh.channel(mesh.registry.port)).blockDevice(
                io.lizsync.proto.registry.v1.BlockDeviceRequest.newBuilder().setId(D).build());
        long blockedAt = System.nanoTime();
        int status;
        while ((status = send(rows(fred, D, null, gateway.port)).statusCode()) == 200) {
            assertTrue(System.nanoTime() - blockedAt < Duration.ofSeconds(6).toNanos(), "still served 6 s after the block");
            Thread.sleep(200);
        }
        assertEquals(403, status);
        assertEquals(200, send(admin(json("/api/v1/devices/" + D + "/unblock", "POST", ""))).statusCode());
        assertEquals(200, send(rows(fred, D, null, gateway.port)).statusCode());
        // Bad input names its field.
        for (String[] bad : List.of(new String[] {"{\"indicator\":\"x\",\"geom\":\"POINT(1 nope)\"}", "edits[0].values.geom"},
                new String[] {"{\"indicator\":\"x\",\"nope\":1}", "edits[0].values.nope"},
                new String[] {"{\"indicator\":\"x\",\"value\":\"twelve\"}", "edits[0].values.value"})) {
            var r = upload(fred, A, "k-bad-" + bad[1].hashCode() + bad[0].length(), "[{\"op\":\"create\",\"values\":" + bad[0] + "}]");
            assertEquals(400, r.statusCode(), r.body());
            assertEquals(bad[1], JSON.readTree(r.body()).get("errors").get(0).get("field").asText(), r.body());
        }
        var noKey = upload(fred, A, null, "[{\"op\":\"create\",\"values\":{\"indicator\":\"x\"}}]");
        assertEquals(400, noKey.statusCode());
        assertTrue(noKey.body().contains("Idempotency-Key"), noKey.body());
        // Another structure version: 409 naming the layer.
        var stale = send(rows(fred, A, null, gateway.port).header("X-Structure-Version", "0".repeat(64)));
        assertEquals(409, stale.statusCode(), stale.body());
        assertTrue(stale.body().contains("observation"), stale.body());
    }

    @Test
    @Order(4)
    void anUploadRetriedIsOneImportAndReachesTheCloneAndACloneEditReachesTheDevice() throws Exception {
        String before = mesh.one("central", "SELECT count(*) FROM obs.observation");
        String edits = "[{\"op\":\"create\",\"values\":{\"indicator\":\"from A\",\"value\":5,"
                + "\"geom\":{\"type\":\"Point\",\"coordinates\":[3.5,43.6]}}},"
                + "{\"op\":\"create\",\"uid\":\"0a000000-0000-4000-8000-0000000000a1\",\"values\":{\"indicator\":\"from A\",\"value\":6}}]";
        var body = "{\"srid\":4326,\"edits\":" + edits + "}";
        var first = send(as(fred, json("/api/v1/projects/" + project + LAYER + "/rows", "POST", body))
                .header("X-Device-Id", A).header("Idempotency-Key", "upload-1"));
        assertEquals(200, first.statusCode(), first.body());
        JsonNode answer = JSON.readTree(first.body());
        assertEquals("applied", answer.get("results").get(0).get("outcome").asText(), first.body());
        assertEquals("0a000000-0000-4000-8000-0000000000a1", answer.get("results").get(1).get("uid").asText());
        assertTrue(answer.get("results").get(0).get("serverId").has("id"), first.body());
        var retry = send(as(fred, json("/api/v1/projects/" + project + LAYER + "/rows", "POST", body))
                .header("X-Device-Id", A).header("Idempotency-Key", "upload-1"));
        JsonNode again = JSON.readTree(retry.body());
        assertTrue(again.get("replayed").asBoolean(), retry.body());
        assertEquals(answer.get("importId"), again.get("importId"));
        assertEquals(Long.parseLong(before) + 2, Long.parseLong(mesh.one("central", "SELECT count(*) FROM obs.observation")));
        String x = mesh.one("central", "SELECT round(ST_X(geom))::text FROM obs.observation WHERE value = 5");
        assertNotEquals("4", x, "transformed from 4326 to the layer's 2154");

        mesh.sync("clone-a");
        assertEquals("from A", mesh.one("clone-a", "SELECT indicator FROM obs.observation"
                + " WHERE uid = '0a000000-0000-4000-8000-0000000000a1'"), "the device's row reached the clone");

        mesh.sql("clone-a", "UPDATE obs.observation SET value = 77 WHERE uid = '0a000000-0000-4000-8000-0000000000a1'");
        mesh.sync("clone-a");
        JsonNode delta = download(B, null);
        List<Integer> values = new ArrayList<>();
        delta.get("rows").forEach(r -> values.add(r.get("row").get("value").asInt()));
        assertTrue(values.contains(77), "the clone's edit reached device B: " + delta);

        // Update and delete one row over REST.
        var update = send(as(fred, json("/api/v1/projects/" + project + LAYER + "/rows/0a000000-0000-4000-8000-0000000000a1",
                "PUT", "{\"values\":{\"value\":78}}")).header("X-Device-Id", A).header("Idempotency-Key", "update-1"));
        assertEquals(200, update.statusCode(), update.body());
        assertEquals("78", mesh.one("central", "SELECT value::text FROM obs.observation WHERE uid = '0a000000-0000-4000-8000-0000000000a1'"));
        var delete = send(as(fred, request(gateway.port, "/api/v1/projects/" + project + LAYER
                + "/rows/0a000000-0000-4000-8000-0000000000a1").DELETE()).header("X-Device-Id", A).header("Idempotency-Key", "delete-1"));
        assertEquals(200, delete.statusCode(), delete.body());
        assertEquals("0", mesh.one("central", "SELECT count(*) FROM obs.observation WHERE uid = '0a000000-0000-4000-8000-0000000000a1'"));

        // An administrator forgets C: its positions go, and it starts again from the whole layer.
        var forgotten = send(admin(request(gateway.port, "/api/v1/devices/" + C).DELETE()));
        assertEquals(200, forgotten.statusCode(), forgotten.body());
        assertTrue(download(C, null).get("reset").asBoolean());
        var logout = send(as(fred, request(gateway.port, "/api/v1/session").DELETE()));
        assertEquals(204, logout.statusCode());
    }

    @Test
    @Order(5)
    void aLayersDocumentDownloadsWholeAndResumesWithRange() throws Exception {
        // A file in file-service's media store for project "rain", described as a document of the layer.
        byte[] content = new byte[300_000];
        new java.util.Random(14).nextBytes(content);
        Path file = filesWork.resolve("media/rain/docs/map.pdf");
        java.nio.file.Files.createDirectories(file.getParent());
        java.nio.file.Files.write(file, content);
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content));
        var added = send(admin(json("/api/v1/projects/" + project + "/documents", "POST", "{\"title\":\"Map\",\"kind\":\"file\","
                + "\"location\":\"docs/map.pdf\",\"mediaType\":\"application/pdf\",\"sizeBytes\":300000,"
                + "\"layer\":{\"schema\":\"obs\",\"table\":\"observation\"}}")));
        assertEquals(201, added.statusCode(), added.body());
        String document = JSON.readTree(added.body()).get("id").asText();
        Session gina = login("gina");
        var listed = send(as(gina, request(gateway.port, "/api/v1/projects/" + project + LAYER + "/documents").GET()));
        assertEquals(200, listed.statusCode(), listed.body());
        assertTrue(listed.body().contains(document), listed.body());
        String content0 = "/api/v1/projects/" + project + "/documents/" + document + "/content";

        var whole = HTTP.send(as(gina, request(gateway.port, content0).GET()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, whole.statusCode());
        assertTrue(java.util.Arrays.equals(content, whole.body()), "the whole file, byte for byte");
        assertEquals("\"" + sha + "\"", whole.headers().firstValue("etag").orElseThrow());
        assertEquals("bytes", whole.headers().firstValue("accept-ranges").orElseThrow());

        // A download cut at 123 456 bytes resumes from there: 206 with the rest only.
        var rest = HTTP.send(as(gina, request(gateway.port, content0).header("Range", "bytes=123456-").GET()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, rest.statusCode());
        assertEquals("bytes 123456-299999/300000", rest.headers().firstValue("content-range").orElseThrow());
        assertTrue(java.util.Arrays.equals(java.util.Arrays.copyOfRange(content, 123_456, 300_000), rest.body()),
                "the rest of the file, byte for byte");
        byte[] joined = new byte[300_000];
        System.arraycopy(whole.body(), 0, joined, 0, 123_456);
        System.arraycopy(rest.body(), 0, joined, 123_456, rest.body().length);
        assertEquals(sha, java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(joined)));

        // Past the end: 416 with the size; a project not granted: 403, before file-service is asked.
        var beyond = send(as(gina, request(gateway.port, content0).header("Range", "bytes=300000-").GET()));
        assertEquals(416, beyond.statusCode(), beyond.body());
        assertEquals("bytes */300000", beyond.headers().firstValue("content-range").orElseThrow());
        var secret = send(as(gina, request(gateway.port, "/api/v1/projects/" + otherProject + "/documents/" + document
                + "/content").GET()));
        assertEquals(403, secret.statusCode(), secret.body());
    }
}
