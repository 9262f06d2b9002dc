package io.lizsync.sync.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lizsync.testkit.FtpTestServer;
import io.lizsync.testkit.TestKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The FTP file operations end to end (issue 9/12): the REST gateway in front of file-service, each
 * its own process, and a real FTP server (Apache FtpServer on loopback) holding central's project
 * folder. A REST call starts a files- job (202 + Location), followed by its server-sent events to
 * SUCCEEDED; its report lists what was transferred and the QGIS project adapted to the clone's
 * database; the excluded sub-folder stayed on the server; the FTP password appears in no log.
 */
class FileJobsIT {

    static final Path FILES_JAR = Path.of("..", "file-service", "target", "quarkus-app", "quarkus-run.jar");
    static final ObjectMapper JSON = new ObjectMapper();
    static final String CENTRAL_SOURCE = "dbname='gis' host=central.example port=5432 user='editor' password='pw' "
            + "sslmode=disable key='id' srid=2154 type=Point checkPrimaryKeyUnicity='1' table=\"survey\".\"site\" (geom) "
            + "sql=\"kind\" = 'a=b'";
    static final String CLONE_SOURCE = "service='geopoppy' sslmode=disable key='id' srid=2154 type=Point "
            + "checkPrimaryKeyUnicity='1' table=\"survey\".\"site\" (geom) sql=\"kind\" = 'a=b'";

    static FtpTestServer ftp;
    static Path projectFolder;
    static ServiceProcess files;
    static ServiceProcess gateway;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        Path home = Files.createTempDirectory("lizsync-ftp-central-");
        Files.createDirectories(home.resolve("qgis/media/upload"));
        Files.createDirectories(home.resolve("qgis/data"));
        Files.writeString(home.resolve("qgis/survey.qgs"), project(CENTRAL_SOURCE));
        Files.writeString(home.resolve("qgis/survey.qgs.cfg"), "{\"options\": {}}");
        Files.write(home.resolve("qgis/media/upload/photo.jpg"), new byte[70_000]);
        Files.writeString(home.resolve("qgis/data/export.csv"), "not for clones");
        ftp = FtpTestServer.start(home);
        projectFolder = Files.createTempDirectory("lizsync-clone-projects-");
        Map<String, String> env = new HashMap<>(ftp.endpointEnvironment("central"));
        env.put("LIZSYNC_FILES_WORK_DIR", Files.createTempDirectory("lizsync-files-work-").toString());
        env.put("LIZSYNC_FILES_FTP_PROJECT_FOLDER", projectFolder.toString());
        files = ServiceProcess.start("files", FILES_JAR, env);
        gateway = ServiceProcess.start("files-gateway", GatewayIT.GATEWAY_JAR,
                Map.of("QUARKUS_GRPC_CLIENTS_FILES_PORT", Integer.toString(files.port)));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {gateway, files, ftp}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // the next one still closes
            }
        }
    }

    static String project(String source) {
        String attr = source.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
        String text = source.replace("&", "&amp;").replace("<", "&lt;");
        return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis projectname=\"Survey\" version=\"3.34.12-Prizren\">\n"
                + "  <layer-tree-group>\n    <layer-tree-layer id=\"site_1\" name=\"Sites\" providerKey=\"postgres\" source=\"" + attr + "\"/>\n"
                + "  </layer-tree-group>\n  <projectlayers>\n    <maplayer type=\"vector\">\n      <id>site_1</id>\n"
                + "      <datasource>" + text + "</datasource>\n      <provider encoding=\"UTF-8\">postgres</provider>\n"
                + "    </maplayer>\n  </projectlayers>\n</qgis>\n";
    }

    static HttpRequest.Builder request(String path, String role) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + TestKeys.get().token("olga", role));
    }

    static HttpResponse<String> post(String path, String role, String body) throws Exception {
        return http.send(request(path, role).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode get(String path) throws Exception {
        HttpResponse<String> r = http.send(request(path, "operator").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return JSON.readTree(r.body());
    }

    /** The job's server-sent events until its final state: the last one. */
    static JsonNode followEvents(String location) throws Exception {
        HttpResponse<Stream<String>> r = http.send(request(location + "/events", "operator")
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, r.statusCode());
        JsonNode last = null;
        try (Stream<String> lines = r.body()) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.startsWith("data:")) {
                    last = JSON.readTree(line.substring(5).strip());
                    if (List.of("succeeded", "failed", "cancelled").contains(last.path("state").asText())) {
                        break;
                    }
                }
            }
        }
        return last;
    }

    @Test
    void projectsFromCentralAreMirroredAdaptedAndReported() throws Exception {
        String body = """
                {"remoteDir": "qgis", "adapt": true,
                 "centralDatabase": {"host": "central.example", "port": 5432, "dbname": "gis"},
                 "cloneDatabase": {"service": "geopoppy"}}""";
        HttpResponse<String> started = post("/api/v1/files/projects/get-from-central", "operator", body);
        assertEquals(202, started.statusCode(), started.body());
        String location = started.headers().firstValue("location").orElseThrow();
        JsonNode job = JSON.readTree(started.body());
        assertTrue(job.path("id").asText().startsWith("files-"), job.toString());
        assertTrue(location.endsWith("/api/v1/jobs/" + job.path("id").asText()), location);
        assertEquals("ftp-get-projects", job.path("kind").asText());

        JsonNode done = followEvents(URI.create(location).getPath());
        assertEquals("succeeded", done.path("state").asText(), done.toString());
        assertEquals("succeeded", get(URI.create(location).getPath()).path("state").asText());

        JsonNode report = get("/api/v1/files/reports/" + job.path("id").asText());
        assertEquals(3, report.path("filesTransferred").asInt(), report.toString());
        assertEquals(0, report.path("filesFailed").asInt(), report.toString());
        JsonNode adapted = null;
        for (JsonNode p : report.path("projects")) {
            if (p.path("path").asText().equals("survey.qgs")) {
                adapted = p;
            }
        }
        assertTrue(adapted != null, report.toString());
        assertEquals("adapted", adapted.path("outcome").asText(), report.toString());
        assertEquals(2, adapted.path("datasourcesRewritten").asInt(), report.toString());

        String qgs = Files.readString(projectFolder.resolve("survey.qgs"));
        assertTrue(qgs.contains("<datasource>" + CLONE_SOURCE.replace("<", "&lt;") + "</datasource>"), qgs);
        assertFalse(qgs.contains("central.example"), qgs);
        assertEquals(project(CENTRAL_SOURCE), Files.readString(projectFolder.resolve("survey.qgs.lizsync-orig")));
        assertTrue(Files.exists(projectFolder.resolve("media/upload/photo.jpg")));
        assertFalse(Files.exists(projectFolder.resolve("data")), "the excluded sub-folder stays on the server");
        for (ServiceProcess p : List.of(files, gateway)) {
            assertEquals(0, p.logCount(ftp.password()), p.name + " logged the FTP password");
        }
    }

    @Test
    void filesJobsAreOperatorsWorkAndUnknownOnesAreNotFound() throws Exception {
        assertEquals(403, post("/api/v1/files/media/sync-to-central", "field", "{}").statusCode());
        HttpResponse<String> unknown = http.send(request("/api/v1/jobs/files-5f0c2a4e-1b2c-4d3e-8f90-0123456789ab", "operator")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, unknown.statusCode(), unknown.body());
        HttpResponse<String> noReport = http.send(request("/api/v1/files/reports/files-5f0c2a4e-1b2c-4d3e-8f90-0123456789ab",
                "operator").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, noReport.statusCode(), noReport.body());
        assertTrue(noReport.headers().firstValue("content-type").orElse("").startsWith("application/problem+json"), noReport.body());
        HttpResponse<String> badEndpoint = post("/api/v1/files/projects/send-to-clone", "operator", "{\"endpoint\": \"nowhere\"}");
        assertEquals(400, badEndpoint.statusCode(), badEndpoint.body());
    }
}
