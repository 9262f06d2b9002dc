package io.lizsync.sync.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lizsync.proto.packaging.v1.PackageInfo;
import io.lizsync.proto.registry.v1.CreateUserRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The REST gateway in front of the real services (registry, central's sync-service,
 * packaging-service, a clone), each its own process: login with the session cookie and CSRF, API
 * tokens for scripts, the clone's lag, ETags, package download with Range against the direct gRPC
 * download, unknown ids, hostile identifiers, revocation, logout.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class GatewayIT {

    static final String DDL = """
            CREATE SCHEMA survey;
            CREATE TABLE survey.site (id serial PRIMARY KEY, uid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
                name text, geom geometry(Point, 2154));
            INSERT INTO survey.site (name, geom) SELECT 'site ' || g, ST_SetSRID(ST_MakePoint(g, g), 2154)
                FROM generate_series(1, 2000) g;
            """;
    static final Path GATEWAY_JAR = Path.of("..", "gateway", "target", "quarkus-app", "quarkus-run.jar");
    static final String PASSWORD = "a long operator passphrase";
    static final ObjectMapper JSON = new ObjectMapper();

    static Mesh mesh;
    static ServiceProcess packaging;
    static ServiceProcess gateway;
    static HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        mesh = Mesh.start(DDL, "survey", List.<String[]>of(new String[] {"survey", "site"}), "clone-a");
        packaging = ServiceProcess.start("gw-packaging", ServiceProcess.PACKAGING_JAR,
                PackageProcesses.packagingEnv(mesh.db("central"), Files.createTempDirectory("lizsync-gw-packages")));
        // Central checks the packages assigned to clones at packaging-service (deploys through central).
        mesh.central.restart(Map.of("LIZSYNC_SYNC_PACKAGING_HOST", "127.0.0.1",
                "LIZSYNC_SYNC_PACKAGING_PORT", Integer.toString(packaging.port)));
        gateway = ServiceProcess.start("gateway", GATEWAY_JAR, Map.of(
                "QUARKUS_GRPC_CLIENTS_SYNC_PORT", Integer.toString(mesh.central.port),
                "QUARKUS_GRPC_CLIENTS_REGISTRY_PORT", Integer.toString(mesh.registry.port),
                "QUARKUS_GRPC_CLIENTS_PACKAGING_PORT", Integer.toString(packaging.port)));
        var channel = mesh.channel(mesh.registry.port);
        RegistryProcess.admin(channel).createUser(CreateUserRequest.newBuilder().setLogin("olga").setPassword(PASSWORD)
                .addRoles("operator").build());
        RegistryProcess.admin(channel).createUser(CreateUserRequest.newBuilder().setLogin("fred").setPassword(PASSWORD)
                .addRoles("field").build());
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {gateway, packaging, mesh}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // the next one still closes
            }
        }
    }

    static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port + path)).timeout(Duration.ofSeconds(60));
    }

    static HttpResponse<String> send(HttpRequest.Builder r) throws Exception {
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpRequest.Builder json(String path, String method, String body) {
        return request(path).header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
    }

    static String bearer() {
        return "Bearer " + io.lizsync.testkit.TestKeys.get().token("admin", "administrator");
    }

    /** A login session: the session cookie and the CSRF token of its answer. */
    record Session(String cookie, String csrf, JsonNode body) {
    }

    static Session login(String login) throws Exception {
        HttpResponse<String> r = send(json("/api/v1/session", "POST",
                "{\"login\":\"" + login + "\",\"password\":\"" + PASSWORD + "\"}"));
        assertEquals(200, r.statusCode(), r.body());
        String setCookie = r.headers().allValues("set-cookie").stream().filter(c -> c.startsWith("lizsync_session=")).findFirst()
                .orElseThrow();
        assertTrue(setCookie.contains("HttpOnly"), setCookie);
        assertTrue(setCookie.toLowerCase().contains("samesite=strict"), setCookie);
        JsonNode body = JSON.readTree(r.body());
        return new Session(setCookie.substring(0, setCookie.indexOf(';')), body.get("csrfToken").asText(), body);
    }

    @Test
    void aBrowserSessionReadsFreelyWritesWithItsCsrfTokenAndEndsAtLogout() throws Exception {
        Session s = login("olga");
        assertEquals("olga", s.body().path("user").path("login").asText());
        HttpResponse<String> me = send(request("/api/v1/session").header("Cookie", s.cookie()));
        assertEquals(200, me.statusCode(), me.body());
        assertTrue(me.body().contains("operator"), me.body());
        // A write without the CSRF token is refused; with it, it runs (a policy on a real table).
        String policy = "{\"policy\":\"central_wins\"}";
        assertEquals(403, send(json("/api/v1/table-policies/survey/site", "PUT", policy).header("Cookie", s.cookie())).statusCode());
        // Operators may not set policies: the role check comes after the CSRF check.
        assertEquals(403, send(json("/api/v1/table-policies/survey/site", "PUT", policy).header("Cookie", s.cookie())
                .header("X-CSRF-Token", s.csrf())).statusCode());
        HttpResponse<String> out = send(request("/api/v1/session").header("Cookie", s.cookie()).header("X-CSRF-Token", s.csrf())
                .DELETE());
        assertEquals(204, out.statusCode(), out.body());
        assertEquals(401, send(request("/api/v1/session").header("Cookie", s.cookie())).statusCode());
        // A wrong password: 401, a problem document.
        HttpResponse<String> wrong = send(json("/api/v1/session", "POST", "{\"login\":\"olga\",\"password\":\"nope\"}"));
        assertEquals(401, wrong.statusCode(), wrong.body());
        assertTrue(wrong.headers().firstValue("content-type").orElse("").startsWith("application/problem+json"));
    }

    @Test
    void anApiTokenMadeOverRestWorksForScriptsAndAFieldUserIsKeptOut() throws Exception {
        HttpResponse<String> users = send(request("/api/v1/users").header("Authorization", bearer()));
        assertEquals(200, users.statusCode(), users.body());
        String olga = null;
        for (JsonNode u : JSON.readTree(users.body()).get("items")) {
            if (u.get("login").asText().equals("olga")) {
                olga = u.get("id").asText();
            }
        }
        assertNotNull(olga, users.body());
        HttpResponse<String> made = send(json("/api/v1/tokens", "POST",
                "{\"userId\":\"" + olga + "\",\"name\":\"nightly script\",\"scopes\":[\"role:operator\"]}")
                .header("Authorization", bearer()));
        assertEquals(201, made.statusCode(), made.body());
        String secret = JSON.readTree(made.body()).get("secret").asText();
        assertTrue(secret.startsWith("lzt_"));
        HttpResponse<String> clones = send(request("/api/v1/clones").header("Authorization", "Bearer " + secret));
        assertEquals(200, clones.statusCode(), clones.body());
        assertTrue(clones.body().contains("clone-a"), clones.body());
        // A field user's session reaches its own endpoints only.
        Session field = login("fred");
        assertEquals(403, send(request("/api/v1/clones").header("Cookie", field.cookie())).statusCode());
        assertEquals(200, send(request("/api/v1/projects").header("Cookie", field.cookie())).statusCode());
        // An API token revoked over REST stops working once its last access token expires; a bad one at once.
        assertEquals(401, send(request("/api/v1/clones").header("Authorization", "Bearer lzt_not-a-token-at-all")).statusCode());
    }

    @Test
    void theClonesLagShowsCentralEditsAndThePolledListAnswers304WhenUnchanged() throws Exception {
        mesh.sync("clone-a");
        mesh.sql("central", "UPDATE survey.site SET name = name || ' (checked)' WHERE id <= 5");
        JsonNode clone = null;
        HttpResponse<String> r = send(request("/api/v1/clones").header("Authorization", bearer()));
        assertEquals(200, r.statusCode(), r.body());
        for (JsonNode c : JSON.readTree(r.body()).get("items")) {
            if (c.get("name").asText().equals("clone-a")) {
                clone = c;
            }
        }
        assertNotNull(clone, r.body());
        assertTrue(clone.path("toClone").path("changes").asLong() >= 5, clone.toString());
        assertNotNull(clone.get("lastContact"), clone.toString());
        String etag = r.headers().firstValue("etag").orElseThrow();
        assertEquals(304, send(request("/api/v1/clones").header("Authorization", bearer()).header("If-None-Match", etag)).statusCode());
        mesh.sync("clone-a");
        HttpResponse<String> after = send(request("/api/v1/clones").header("Authorization", bearer()).header("If-None-Match", etag));
        assertEquals(200, after.statusCode(), "the list changed after the sync: a new body, a new tag");
        HttpResponse<String> one = send(request("/api/v1/clones/" + mesh.cloneId("clone-a")).header("Authorization", bearer()));
        assertEquals(200, one.statusCode(), one.body());
        assertEquals(0, JSON.readTree(one.body()).path("toClone").path("changes").asLong(), one.body());
        assertEquals("clone", JSON.readTree(one.body()).path("registry").path("kind").asText(), one.body());
        HttpResponse<String> tables = send(request("/api/v1/clones/" + mesh.cloneId("clone-a") + "/tables").header("Authorization", bearer()));
        assertTrue(tables.body().contains("\"site\""), tables.body());
        // An edit on the clone: a history item the other way.
        mesh.sql("clone-a", "UPDATE survey.site SET name = name || ' (seen on the clone)' WHERE id = 7");
        mesh.sync("clone-a");
        HttpResponse<String> history = send(request("/api/v1/sync/history?clone=" + mesh.cloneId("clone-a"))
                .header("Authorization", bearer()));
        assertEquals(200, history.statusCode(), history.body());
        assertTrue(JSON.readTree(history.body()).get("items").size() >= 2, history.body());
        // Paged with a stable order: two pages of one item each are two different items, newest first.
        HttpResponse<String> first = send(request("/api/v1/sync/history?limit=1&clone=" + mesh.cloneId("clone-a"))
                .header("Authorization", bearer()));
        JsonNode firstPage = JSON.readTree(first.body());
        assertEquals(1, firstPage.get("items").size(), first.body());
        String token = firstPage.get("nextPageToken").asText();
        JsonNode secondPage = JSON.readTree(send(request("/api/v1/sync/history?limit=1&clone=" + mesh.cloneId("clone-a")
                + "&pageToken=" + token).header("Authorization", bearer())).body());
        assertFalse(firstPage.get("items").get(0).get("syncId").equals(secondPage.get("items").get(0).get("syncId")));
        assertTrue(firstPage.get("items").get(0).get("syncTime").asText()
                .compareTo(secondPage.get("items").get(0).get("syncTime").asText()) >= 0);
        // Directions and time ranges filter; a bad value is a 400 naming it.
        JsonNode toCentral = JSON.readTree(send(request("/api/v1/sync/history?direction=to_central&clone=" + mesh.cloneId("clone-a"))
                .header("Authorization", bearer())).body()).get("items");
        assertTrue(toCentral.size() >= 1, toCentral.toString());
        for (JsonNode item : toCentral) {
            assertEquals(mesh.cloneId("clone-a"), item.get("serverFrom").asText(), item.toString());
        }
        for (JsonNode item : JSON.readTree(send(request("/api/v1/sync/history?direction=to_clone&clone=" + mesh.cloneId("clone-a"))
                .header("Authorization", bearer())).body()).get("items")) {
            assertFalse(mesh.cloneId("clone-a").equals(item.get("serverFrom").asText()), item.toString());
        }
        assertEquals(0, JSON.readTree(send(request("/api/v1/sync/history?since=2999-01-01T00:00:00Z")
                .header("Authorization", bearer())).body()).get("items").size());
        HttpResponse<String> badTime = send(request("/api/v1/sync/history?since=yesterday").header("Authorization", bearer()));
        assertEquals(400, badTime.statusCode(), badTime.body());
        assertTrue(badTime.body().contains("since"), badTime.body());
        assertEquals(400, send(request("/api/v1/sync/history?pageToken=Zm9yZ2Vk").header("Authorization", bearer())).statusCode());
    }

    @Test
    void aPackageDownloadsWholeAndByRangeAsTheDirectGrpcDownloadGivesIt() throws Exception {
        PackageInfo info = PackageProcesses.build(mesh.channel(packaging.port), "survey", Duration.ofMinutes(2));
        HttpResponse<byte[]> whole = http.send(request("/api/v1/packages/" + info.getPackageId() + "/archive")
                .header("Authorization", bearer()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, whole.statusCode());
        assertEquals(info.getSizeBytes(), whole.body().length);
        assertEquals(info.getSha256(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(whole.body())));
        assertEquals("\"" + info.getSha256() + "\"", whole.headers().firstValue("etag").orElseThrow());
        long from = info.getSizeBytes() / 3;
        HttpResponse<byte[]> rest = http.send(request("/api/v1/packages/" + info.getPackageId() + "/archive")
                .header("Authorization", bearer()).header("Range", "bytes=" + from + "-").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, rest.statusCode());
        assertEquals("bytes " + from + "-" + (info.getSizeBytes() - 1) + "/" + info.getSizeBytes(),
                rest.headers().firstValue("content-range").orElseThrow());
        assertArrayEquals(java.util.Arrays.copyOfRange(whole.body(), (int) from, whole.body().length), rest.body());
        assertEquals(416, http.send(request("/api/v1/packages/" + info.getPackageId() + "/archive").header("Authorization", bearer())
                .header("Range", "bytes=" + info.getSizeBytes() + "-").build(), HttpResponse.BodyHandlers.discarding()).statusCode());
        HttpResponse<String> listed = send(request("/api/v1/packages").header("Authorization", bearer()));
        assertTrue(listed.body().contains(info.getPackageId()), listed.body());
    }

    @Test
    void aPackageBuiltOverRestIsAJobFollowedLiveUntilItsResult() throws Exception {
        HttpResponse<String> started = send(json("/api/v1/packages", "POST",
                "{\"schemas\":[\"survey\"],\"description\":\"over REST\"}").header("Authorization", bearer()));
        assertEquals(202, started.statusCode(), started.body());
        String location = started.headers().firstValue("location").orElseThrow();
        assertTrue(location.matches(".*/api/v1/jobs/build-[0-9a-f-]{36}"), location);
        String path = URI.create(location).getPath();
        // Server-sent events: the job now, then every change, until its final state; the stream then ends.
        HttpResponse<java.util.stream.Stream<String>> events = http.send(request(path + "/events").header("Authorization", bearer())
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, events.statusCode());
        List<JsonNode> seen = new java.util.ArrayList<>();
        try (var lines = events.body()) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.startsWith("data:")) {
                    seen.add(JSON.readTree(line.substring(5).strip()));
                }
            }
        }
        assertFalse(seen.isEmpty());
        JsonNode last = seen.get(seen.size() - 1);
        assertEquals("succeeded", last.get("state").asText(), seen.toString());
        assertTrue(last.get("result").asText().startsWith("package:"), last.toString());
        String packageId = last.get("result").asText().substring("package:".length());
        HttpResponse<String> pkg = send(request("/api/v1/packages/" + packageId).header("Authorization", bearer()));
        assertEquals(200, pkg.statusCode(), pkg.body());
        assertEquals("over REST", JSON.readTree(pkg.body()).get("description").asText());
        // The job is packaging-service's: a gateway restarted (killed, started again) still shows it.
        gateway.restart(Map.of());
        HttpResponse<String> job = send(request(path).header("Authorization", bearer()));
        assertEquals("succeeded", JSON.readTree(job.body()).get("state").asText(), job.body());
        assertEquals("admin", JSON.readTree(job.body()).get("createdBy").asText(), job.body());
        HttpResponse<String> jobs = send(request("/api/v1/jobs?kind=package-build").header("Authorization", bearer()));
        assertTrue(jobs.body().contains(path.substring(path.lastIndexOf('/') + 1)), jobs.body());
        HttpResponse<String> cancel = send(json(path + "/cancel", "POST", "").header("Authorization", bearer()));
        assertEquals(409, cancel.statusCode(), "a finished job cannot be cancelled: " + cancel.body());
        // An unknown schema is refused before any job is made.
        HttpResponse<String> refused = send(json("/api/v1/packages", "POST", "{\"schemas\":[\"no_such_schema\"]}")
                .header("Authorization", bearer()));
        assertEquals(400, refused.statusCode(), refused.body());
    }

    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE - 1)
    void aPackageAssignedOverRestIsDeployedAtTheClonesNextContactAndTheJobSaysSo() throws Exception {
        String id = mesh.cloneId("clone-a");
        mesh.sync("clone-a");
        HttpResponse<String> built = send(json("/api/v1/packages", "POST", "{\"schemas\":[\"survey\"]}").header("Authorization", bearer()));
        assertEquals(202, built.statusCode(), built.body());
        String packageId = follow(URI.create(built.headers().firstValue("location").orElseThrow()).getPath(), 120)
                .get("result").asText().substring("package:".length());
        HttpResponse<String> assigned = send(json("/api/v1/clones/" + id + "/assignment", "POST",
                "{\"packageId\":\"" + packageId + "\"}").header("Authorization", bearer()));
        assertEquals(202, assigned.statusCode(), assigned.body());
        String job = URI.create(assigned.headers().firstValue("location").orElseThrow()).getPath();
        assertTrue(job.matches("/api/v1/jobs/deploy-[0-9a-f-]{36}"), job);
        assertEquals("queued", JSON.readTree(assigned.body()).get("state").asText(), assigned.body());
        HttpResponse<String> again = send(json("/api/v1/clones/" + id + "/assignment", "POST",
                "{\"packageId\":\"" + packageId + "\"}").header("Authorization", bearer()));
        assertEquals(409, again.statusCode(), "one open assignment per clone: " + again.body());
        HttpResponse<String> state = send(request("/api/v1/clones/" + id).header("Authorization", bearer()));
        assertEquals(job, JSON.readTree(state.body()).get("openAssignment").asText(), state.body());
        // The clone's next contact (here its sync; in the field its schedule) takes it.
        try {
            mesh.sync("clone-a");
        } catch (io.grpc.StatusRuntimeException stoppedForTheDeploy) {
            // a session that shows an assignment may stop at hello: the deploy runs instead
        }
        JsonNode done = follow(job, 120);
        assertEquals("succeeded", done.get("state").asText(), done.toString());
        assertEquals("package:" + packageId, done.get("result").asText(), done.toString());
        mesh.sync("clone-a");
        assertEquals("2000", mesh.one("clone-a", "SELECT count(*) FROM survey.site"));
        HttpResponse<String> unknown = send(json("/api/v1/clones/" + id + "/assignment", "POST",
                "{\"packageId\":\"0b6f2a5e-3c1d-4e7f-9a8b-123456789abc\"}").header("Authorization", bearer()));
        assertEquals(404, unknown.statusCode(), unknown.body());
    }

    /** Follows a job's server-sent events to its final state (the stream ends there). */
    static JsonNode follow(String jobPath, int seconds) throws Exception {
        HttpResponse<java.util.stream.Stream<String>> events = http.send(request(jobPath + "/events").timeout(Duration.ofSeconds(seconds))
                .header("Authorization", bearer()).header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, events.statusCode());
        JsonNode last = null;
        try (var lines = events.body()) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.startsWith("data:")) {
                    last = JSON.readTree(line.substring(5).strip());
                }
            }
        }
        assertNotNull(last, jobPath);
        return last;
    }

    @Test
    void everyReadOrDeleteOfAnUnknownIdIsA404() throws Exception {
        // Generated from the API document: every GET and DELETE whose path names an id.
        JsonNode doc = JSON.readTree(send(request("/q/openapi?format=json")).body());
        List<String> wrong = new java.util.ArrayList<>();
        int checked = 0;
        for (var path = doc.get("paths").fields(); path.hasNext(); ) {
            var p = path.next();
            if (!p.getKey().startsWith("/api/") || !p.getKey().contains("{")) {
                continue;
            }
            for (String method : List.of("get", "delete")) {
                JsonNode op = p.getValue().get(method);
                // A device's row delete is an upload of one edit: its headers (X-Device-Id, Idempotency-Key) are checked first.
                // The file operations' reports are file-service's, not started here (FileJobsIT checks their 404).
                if (op == null || p.getKey().endsWith("/events") || p.getKey().endsWith("/archive")
                        || p.getKey().endsWith("/rows/{uid}") || p.getKey().startsWith("/api/v1/files/")) {
                    continue;
                }
                String url = p.getKey().replace("{schema}", "survey").replace("{table}", "no_such_table")
                        .replace("{project}", "0b6f2a5e-3c1d-4e7f-9a8b-123456789abc")
                        .replace("{document}", "0b6f2a5e-3c1d-4e7f-9a8b-123456789abc")
                        .replace("{id}", p.getKey().startsWith("/api/v1/jobs") ? "deploy-0b6f2a5e-3c1d-4e7f-9a8b-123456789abc"
                                : p.getKey().startsWith("/api/v1/conflicts") ? "987654321" : "0b6f2a5e-3c1d-4e7f-9a8b-123456789abc");
                HttpResponse<String> r = send(request(url).header("Authorization", bearer()).method(method.toUpperCase(),
                        HttpRequest.BodyPublishers.noBody()));
                checked++;
                if (r.statusCode() != 404 || !r.headers().firstValue("content-type").orElse("").startsWith("application/problem+json")) {
                    wrong.add(method.toUpperCase() + " " + url + ": " + r.statusCode() + " " + r.body());
                }
            }
        }
        assertTrue(checked >= 10, "checked " + checked);
        assertTrue(wrong.isEmpty(), "not a 404 problem document:\n" + String.join("\n", wrong));
    }

    @Test
    void unknownIdsAre404AndHostileIdentifiersReachSqlOnlyQuoted() throws Exception {
        String unknown = "0b6f2a5e-3c1d-4e7f-9a8b-123456789abc";
        for (String path : List.of("/api/v1/packages/" + unknown, "/api/v1/clones/" + unknown, "/api/v1/jobs/build-" + unknown,
                "/api/v1/projects/" + unknown, "/api/v1/devices/" + unknown, "/api/v1/conflicts/999999")) {
            HttpResponse<String> r = send(request(path).header("Authorization", bearer()));
            assertEquals(404, r.statusCode(), path + ": " + r.body());
            assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/problem+json"), path);
            assertFalse(r.body().contains("Exception"), r.body());
        }
        String hostile = java.net.URLEncoder.encode("site\"; DROP TABLE survey.site; --", java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20");
        HttpResponse<String> r = send(json("/api/v1/table-policies/survey/" + hostile, "PUT", "{\"policy\":\"manual\"}")
                .header("Authorization", bearer()));
        assertTrue(r.statusCode() == 404 || r.statusCode() == 400 || r.statusCode() == 200, r.statusCode() + " " + r.body());
        assertEquals("2000", mesh.one("central", "SELECT count(*) FROM survey.site"));
    }

    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE)
    void aCloneRevokedOverRestCannotSyncAnyMore() throws Exception {
        // Last: the clone is done for after this.
        String id = mesh.cloneId("clone-a");
        HttpResponse<String> r = send(json("/api/v1/clones/" + id + "/revoke", "POST", "").header("Authorization", bearer()));
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(JSON.readTree(r.body()).get("credentialsRevoked").asInt() >= 1, r.body());
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        boolean refused = false;
        while (!refused && System.nanoTime() < deadline) {
            try {
                mesh.sync("clone-a");
                Thread.sleep(500);
            } catch (io.grpc.StatusRuntimeException e) {
                assertEquals(io.grpc.Status.Code.UNAUTHENTICATED, e.getStatus().getCode(), e.getStatus().toString());
                refused = true;
            }
        }
        assertTrue(refused, "the revoked clone still syncs");
    }
}
