package io.lizsync.sync.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lizsync.proto.registry.v1.CreateUserRequest;
import io.lizsync.testkit.RssSampler;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The device API's figures (issue 14; a benchmark, not a test: `scripts/bench.sh devices [ROWS]`),
 * every service its own process on loopback, through the gateway with a field user's session:
 * a download with nothing new (p50/p99) for a device with a position, among {@code bench.devices}
 * registered devices of which {@code bench.positioned} hold a position; a full first download of
 * a {@code bench.rows}-row point layer (rows/s, the gateway's peak RSS); uploads in batches of 100
 * (rows/s); bytes on the wire per changed row of a delta.
 */
class DeviceBenchmark {

    static final int ROWS = Integer.getInteger("bench.rows", 10_000);
    static final int DEVICES = Integer.getInteger("bench.devices", 100);
    static final int POSITIONED = Integer.getInteger("bench.positioned", 5);
    static final int CALLS = Integer.getInteger("bench.calls", 500);
    static final int WARMUP = Integer.getInteger("bench.warmup", 100);
    static final int BATCHES = Integer.getInteger("bench.batches", 20);
    /** Upload batches sent first and not measured (the services' JIT warms up on them). */
    static final int UPLOAD_WARMUP = Integer.getInteger("bench.upload-warmup", 20);
    static final int CHANGED = Integer.getInteger("bench.changed", 1000);
    static final int FULL_ROUNDS = Integer.getInteger("bench.full-rounds", ROWS >= 1_000_000 ? 1 : 3);
    static final String PASSWORD = "a long bench passphrase";
    /** Another build of the gateway (its quarkus-run.jar) whose uploads are measured interleaved; optional. */
    static final String COMPARE_JAR = System.getProperty("bench.compare-gateway", "");
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void deviceFigures() throws Exception {
        String ddl = """
                CREATE SCHEMA field;
                CREATE TABLE field.point (id serial PRIMARY KEY, uid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
                    indicator text NOT NULL, value numeric, geom geometry(Point, 2154));
                INSERT INTO field.point (indicator, value, geom) SELECT 'pluviometry', g %% 1000,
                    ST_SetSRID(ST_MakePoint(700000 + g %% 1000, 6600000 + g / 1000), 2154) FROM generate_series(1, %d) g;
                """.formatted(ROWS);
        try (Mesh mesh = Mesh.start(ddl, "field", List.<String[]>of(new String[] {"field", "point"}));
                ServiceProcess gateway = ServiceProcess.start("bench-gateway", GatewayIT.GATEWAY_JAR, Map.of(
                        "QUARKUS_GRPC_CLIENTS_SYNC_PORT", Integer.toString(mesh.central.port),
                        "QUARKUS_GRPC_CLIENTS_REGISTRY_PORT", Integer.toString(mesh.registry.port)))) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String base = "http://127.0.0.1:" + gateway.port;
            RegistryProcess.admin(mesh.channel(mesh.registry.port)).createUser(CreateUserRequest.newBuilder().setLogin("walker")
                    .setPassword(PASSWORD).addRoles("field").build());
            String admin = "Bearer " + io.lizsync.testkit.TestKeys.get().token("bench", "administrator");
            HttpResponse<String> made = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/projects"))
                    .header("Authorization", admin).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"bench\",\"title\":\"bench\",\"allowedRoles\":[\"field\"]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, made.statusCode(), made.body());
            String project = JSON.readTree(made.body()).get("id").asText();
            HttpResponse<String> layers = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/projects/" + project + "/layers"))
                    .header("Authorization", admin).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"layers\":[{\"table\":{\"schema\":\"field\",\"table\":\"point\"},"
                            + "\"editable\":true,\"geometryColumn\":\"geom\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, layers.statusCode(), layers.body());
            HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/session"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"login\":\"walker\",\"password\":\"" + PASSWORD + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, login.statusCode(), login.body());
            String cookie = login.headers().allValues("set-cookie").stream().filter(c -> c.startsWith("lizsync_session="))
                    .findFirst().orElseThrow();
            cookie = cookie.substring(0, cookie.indexOf(';'));
            String csrf = JSON.readTree(login.body()).get("csrfToken").asText();
            String rows = base + "/api/v1/projects/" + project + "/layers/field/point/rows";

            String[] devices = new String[DEVICES];
            for (int i = 0; i < DEVICES; i++) {
                devices[i] = UUID.randomUUID().toString();
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/devices/" + devices[i]))
                        .header("Cookie", cookie).header("X-CSRF-Token", csrf).header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"name\":\"tablet " + i + "\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());
            }

            // A full first download: rows/s and the gateway's peak RSS while it streams.
            long idleKb = RssSampler.procKb(gateway.pid(), "VmRSS");
            long fullNanos = 0;
            long fullBytes = 0;
            long peakKb;
            String checkpoint = null;
            String[] checkpoints = new String[POSITIONED];
            try (RssSampler rss = new RssSampler(Map.of("gateway", gateway.pid()))) {
                rss.takePeaks();
                for (int d = 0; d < POSITIONED; d++) {
                    long t0 = System.nanoTime();
                    Download full = download(http, rows, cookie, devices[d], null);
                    long t = System.nanoTime() - t0;
                    assertEquals(ROWS, full.rows, "the whole layer");
                    confirm(http, rows, cookie, csrf, devices[d], full.checkpoint);
                    checkpoints[d] = full.checkpoint;
                    if (d == 0) {
                        fullNanos = t;
                        fullBytes = full.bytes;
                        checkpoint = full.checkpoint;
                    }
                }
                peakKb = rss.takePeaks().get("gateway");
            }

            // Nothing new: the device echoes its checkpoint each time.
            long[] nothing = new long[CALLS];
            for (int i = -WARMUP; i < CALLS; i++) {
                long t0 = System.nanoTime();
                Download d = download(http, rows, cookie, devices[0], checkpoint);
                long t = System.nanoTime() - t0;
                assertEquals(0, d.rows);
                checkpoint = d.checkpoint;
                if (i >= 0) {
                    nothing[i] = t;
                }
            }
            Arrays.sort(nothing);

            // The same call to central directly over gRPC (the caller's access token, the device's position), interleaved
            // with the gateway's: what the gateway's checks (two registry reads, the device's) and REST add.
            HttpResponse<String> access = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/session/access-token"))
                    .header("Cookie", cookie).header("X-CSRF-Token", csrf).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, access.statusCode(), access.body());
            var direct = io.lizsync.proto.sync.v1.DeviceSyncGrpc.newBlockingStub(mesh.channel(mesh.central.port))
                    .withCallCredentials(io.lizsync.grpckit.auth.BearerCredentials.of(
                            JSON.readTree(access.body()).get("accessToken").asText()));
            // -Dbench.pglog=FILE: central's statements and their times, copied to FILE, during the phase
            // -Dbench.pglog.phase names: "nothing" (the interleaved nothing-new calls) or "upload" (the default).
            String pglog = System.getProperty("bench.pglog");
            boolean logNothing = pglog != null && "nothing".equals(System.getProperty("bench.pglog.phase", "upload"));
            pgLog(mesh, logNothing, true);
            // -Dbench.compare-gateway=JAR: that other build of the gateway too (its own session and device), interleaved.
            Other other = Other.start(COMPARE_JAR, mesh, http, base, rows);
            String otherCheckpoint = checkpoints[1];
            // As warm as this gateway is here (its JIT): as many calls as this one's nothing-new phase, not measured.
            for (int i = 0; other != null && i < WARMUP + CALLS; i++) {
                otherCheckpoint = download(http, other.rows, other.cookie, devices[1], otherCheckpoint).checkpoint;
            }
            long[] directNothing = new long[CALLS / 2];
            long[] viaGateway = new long[CALLS / 2];
            long[] viaOther = new long[CALLS / 2];
            for (int i = -WARMUP; i < CALLS / 2; i++) {
                if (other != null && (i & 1) == 0) {
                    // Every other call first: neither gateway always follows the direct call.
                    long o0 = System.nanoTime();
                    otherCheckpoint = download(http, other.rows, other.cookie, devices[1], otherCheckpoint).checkpoint;
                    if (i >= 0) {
                        viaOther[i] = System.nanoTime() - o0;
                    }
                }
                long t0 = System.nanoTime();
                var chunks = direct.download(io.lizsync.proto.sync.v1.DownloadRequest.newBuilder().setDeviceId(devices[0])
                        .setSchemaName("field").setTableName("point").setConfirmCheckpoint(checkpoint).build());
                String cp = null;
                while (chunks.hasNext()) {
                    var c = chunks.next();
                    assertEquals(0, c.getRowsCount());
                    if (c.getLast()) {
                        cp = c.getCheckpoint();
                    }
                }
                long t1 = System.nanoTime();
                Download d = download(http, rows, cookie, devices[0], cp);
                long t2 = System.nanoTime();
                checkpoint = d.checkpoint;
                if (i >= 0) {
                    directNothing[i] = t1 - t0;
                    viaGateway[i] = t2 - t1;
                }
                if (other != null && (i & 1) != 0) {
                    long o0 = System.nanoTime();
                    otherCheckpoint = download(http, other.rows, other.cookie, devices[1], otherCheckpoint).checkpoint;
                    if (i >= 0) {
                        viaOther[i] = System.nanoTime() - o0;
                    }
                }
            }
            pgLog(mesh, logNothing, false);
            Arrays.sort(directNothing);
            Arrays.sort(viaGateway);
            Arrays.sort(viaOther);
            // Full downloads, interleaved: central directly (no device), then a new device through the gateway (its
            // first download, not confirmed), each its best of FULL_ROUNDS: the warm gateway's rate beside central's.
            long directFullNanos = Long.MAX_VALUE;
            long warmFullNanos = Long.MAX_VALUE;
            for (int round = 0; round < FULL_ROUNDS; round++) {
                long directFullStart = System.nanoTime();
                long directRows = 0;
                String token = "";
                do {
                    var all = direct.download(io.lizsync.proto.sync.v1.DownloadRequest.newBuilder().setSchemaName("field")
                            .setTableName("point").setContinuationToken(token).build());
                    token = "";
                    while (all.hasNext()) {
                        var c = all.next();
                        directRows += c.getRowsCount();
                        if (c.getLast()) {
                            token = c.getContinuationToken();
                        }
                    }
                } while (!token.isEmpty());
                directFullNanos = Math.min(directFullNanos, System.nanoTime() - directFullStart);
                assertEquals(ROWS, directRows);
                long t0 = System.nanoTime();
                Download fresh = download(http, rows, cookie, devices[POSITIONED + round], null);
                warmFullNanos = Math.min(warmFullNanos, System.nanoTime() - t0);
                assertEquals(ROWS, fresh.rows, "the whole layer");
            }

            // Bytes on the wire per changed row.
            mesh.sql("central", "UPDATE field.point SET value = value + 1 WHERE id <= " + CHANGED);
            Download delta = download(http, rows, cookie, devices[0], checkpoint);
            assertEquals(Math.min(CHANGED, ROWS), delta.rows);

            // Uploads in batches of 100.
            pgLog(mesh, pglog != null && !logNothing, true);
            // Interleaved batch by batch with the same batches sent to central directly over gRPC (another
            // device): what central's upload costs, and what the gateway's checks and REST add; with
            // -Dbench.compare-gateway=JAR also through that other build of the gateway (a third device).
            Uploads up;
            try (other) {
                up = uploads(direct, http, rows, cookie, csrf, devices, other);
            }
            pgLog(mesh, pglog != null && !logNothing, false);
            if (pglog != null) {
                Files.copy(mesh.db("central").logFile(), Path.of(pglog), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            StringBuilder out = new StringBuilder();
            out.append(String.format("# Devices through the gateway: %d-row point layer, %d registered devices (%d with a position)%n",
                    ROWS, DEVICES, POSITIONED));
            out.append("| figure | value |\n|---|---|\n");
            out.append(String.format("| download with nothing new, p50 | %.2f ms |%n", ms(nothing, 50)));
            out.append(String.format("| download with nothing new, p99 | %.2f ms |%n", ms(nothing, 99)));
            out.append(String.format("| nothing new, interleaved: through the gateway p50 / p99 | %.2f / %.2f ms |%n", ms(viaGateway, 50),
                    ms(viaGateway, 99)));
            out.append(String.format("| nothing new, interleaved: DeviceSync.Download direct p50 / p99 | %.2f / %.2f ms |%n",
                    ms(directNothing, 50), ms(directNothing, 99)));
            if (other != null) {
                out.append(String.format("| nothing new, interleaved: through the other gateway (%s) p50 / p99 | %.2f / %.2f ms |%n",
                        COMPARE_JAR, ms(viaOther, 50), ms(viaOther, 99)));
            }
            out.append(String.format("| full download direct over gRPC (no device), best of %d interleaved | %.2f s, %.0f rows/s |%n",
                    FULL_ROUNDS, directFullNanos / 1e9, ROWS / (directFullNanos / 1e9)));
            out.append(String.format("| full first download of a new device through the gateway, best of %d interleaved | %.2f s,"
                    + " %.0f rows/s (%.2f of direct) |%n", FULL_ROUNDS, warmFullNanos / 1e9, ROWS / (warmFullNanos / 1e9),
                    (double) directFullNanos / warmFullNanos));
            out.append(String.format("| full first download, the gateway's first after start (cold JIT) | %.2f s, %.0f rows/s, %.1f MB |%n",
                    fullNanos / 1e9, ROWS / (fullNanos / 1e9), fullBytes / 1e6));
            out.append(String.format("| gateway RSS | %d MB idle, peak %d MB during the full downloads |%n", idleKb / 1024, peakKb / 1024));
            out.append(String.format("| uploads, %d batches of 100 rows | %.0f rows/s |%n", BATCHES, BATCHES * 100 / (up.gateway() / 1e9)));
            out.append(String.format("| uploads interleaved: DeviceSync.Upload direct, batches of 100 | %.0f rows/s |%n",
                    BATCHES * 100 / (up.direct() / 1e9)));
            if (up.other() > 0) {
                out.append(String.format("| uploads interleaved: through the other gateway (%s) | %.0f rows/s |%n", COMPARE_JAR,
                        BATCHES * 100 / (up.other() / 1e9)));
            }
            out.append(String.format("| uploads: time per batch of 100, p50 gateway / direct%s | %s |%n",
                    up.other() > 0 ? " / other gateway" : "", up.medians()));
            out.append(String.format("| bytes on the wire per changed row (%d changed, answer body) | %d |%n", delta.rows,
                    delta.bytes / Math.max(1, delta.rows)));
            Path report = Path.of("target", "bench", "device-bench-" + ROWS + ".txt");
            Files.createDirectories(report.getParent());
            Files.writeString(report, out);
            System.out.println(out);
        }
    }

    /** Central's statements logged with their times ({@code on}) or no more, when {@code wanted}. */
    static void pgLog(Mesh mesh, boolean wanted, boolean on) throws Exception {
        if (wanted) {
            mesh.sql("central", on ? "ALTER SYSTEM SET log_min_duration_statement = 0"
                    : "ALTER SYSTEM RESET log_min_duration_statement", "SELECT pg_reload_conf()");
        }
    }

    record Download(long rows, String checkpoint, long bytes, String next) {
    }

    /** Nanoseconds of the measured upload batches: through the gateway, direct, through the other gateway (0: none). */
    record Uploads(long gateway, long direct, long other, String medians) {
    }

    /** Another build of the gateway, started with its own session: its rows URL and session cookie, CSRF token. */
    record Other(ServiceProcess process, String rows, String cookie, String csrf) implements AutoCloseable {

        /** Null without a jar. */
        static Other start(String jar, Mesh mesh, HttpClient http, String base, String rows) throws Exception {
            if (jar.isBlank()) {
                return null;
            }
            ServiceProcess p = ServiceProcess.start("bench-gateway-other", Path.of(jar), Map.of(
                    "QUARKUS_GRPC_CLIENTS_SYNC_PORT", Integer.toString(mesh.central.port),
                    "QUARKUS_GRPC_CLIENTS_REGISTRY_PORT", Integer.toString(mesh.registry.port)));
            try {
                HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.port
                        + "/api/v1/session")).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers
                        .ofString("{\"login\":\"walker\",\"password\":\"" + PASSWORD + "\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, login.statusCode(), login.body());
                String cookie = login.headers().allValues("set-cookie").stream().filter(c -> c.startsWith("lizsync_session="))
                        .findFirst().orElseThrow();
                return new Other(p, "http://127.0.0.1:" + p.port + rows.substring(base.length()),
                        cookie.substring(0, cookie.indexOf(';')), JSON.readTree(login.body()).get("csrfToken").asText());
            } catch (Exception | AssertionError e) {
                p.close();
                throw e;
            }
        }

        @Override
        public void close() throws Exception {
            process.close();
        }
    }

    /** Uploads in batches of 100 (creates), interleaved batch by batch: direct, this gateway, the other gateway. */
    static Uploads uploads(io.lizsync.proto.sync.v1.DeviceSyncGrpc.DeviceSyncBlockingStub direct, HttpClient http,
            String rows, String cookie, String csrf, String[] devices, Other other) throws Exception {
        {
            String otherRows = other == null ? null : other.rows;
            String otherCookie = other == null ? null : other.cookie;
            String otherCsrf = other == null ? null : other.csrf;
            long[] viaGateway = new long[BATCHES];
            long[] viaDirect = new long[BATCHES];
            long[] viaOther = new long[BATCHES];
            for (int b = -UPLOAD_WARMUP; b < BATCHES; b++) {
                var direct100 = io.lizsync.proto.sync.v1.UploadRequest.newBuilder().setDeviceId(devices[2])
                        .setSchemaName("field").setTableName("point").setRequestId("direct-" + b);
                for (int i = 0; i < 100; i++) {
                    direct100.addEdits(io.lizsync.proto.sync.v1.RowEdit.newBuilder().setOp(io.lizsync.proto.sync.v1.RowEdit.Op.CREATE)
                            .setValuesJson("{\"indicator\":\"bench\",\"value\":" + i + ",\"geom\":\"POINT(" + (710000 + i) + " "
                                    + (6500000 + b) + ")\"}"));
                }
                long d0 = System.nanoTime();
                var answer = direct.upload(direct100.build());
                long d = System.nanoTime() - d0;
                assertEquals(100, answer.getResultsCount());
                long g = upload(http, rows, cookie, csrf, devices[1], "bench-" + b, 700000, b);
                long o = otherRows == null ? 0 : upload(http, otherRows, otherCookie, otherCsrf, devices[3], "other-" + b, 720000, b);
                if (b >= 0) {
                    viaDirect[b] = d;
                    viaGateway[b] = g;
                    viaOther[b] = o;
                }
            }
            long gateway = Arrays.stream(viaGateway).sum();
            long directSum = Arrays.stream(viaDirect).sum();
            long otherSum = Arrays.stream(viaOther).sum();
            Arrays.sort(viaGateway);
            Arrays.sort(viaDirect);
            Arrays.sort(viaOther);
            String medians = String.format("%.2f / %.2f%s ms", ms(viaGateway, 50), ms(viaDirect, 50),
                    other == null ? "" : String.format(" / %.2f", ms(viaOther, 50)));
            return new Uploads(gateway, directSum, otherSum, medians);
        }
    }

    /** One batch of 100 creates through a gateway; its time in nanoseconds. */
    static long upload(HttpClient http, String rows, String cookie, String csrf, String device, String key, int x, int b)
            throws Exception {
        StringBuilder edits = new StringBuilder("{\"edits\":[");
        for (int i = 0; i < 100; i++) {
            edits.append(i == 0 ? "" : ",").append("{\"op\":\"create\",\"values\":{\"indicator\":\"bench\",\"value\":")
                    .append(i).append(",\"geom\":\"POINT(").append(x + i).append(' ').append(6500000 + b).append(")\"}}");
        }
        edits.append("]}");
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(rows)).header("Cookie", cookie)
                .header("X-CSRF-Token", csrf).header("X-Device-Id", device).header("Idempotency-Key", key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(edits.toString()))
                .build(), HttpResponse.BodyHandlers.ofString());
        long t = System.nanoTime() - t0;
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"applied\""), r.body());
        JsonNode answer = JSON.readTree(r.body());
        assertEquals(100, answer.get("results").size(), r.body());
        return t;
    }

    /** Every page of one answer (following next), as one download. */
    static Download download(HttpClient http, String rows, String cookie, String device, String checkpoint) throws Exception {
        Download page = page(http, rows, cookie, device, checkpoint == null ? "" : "?checkpoint="
                + java.net.URLEncoder.encode(checkpoint, java.nio.charset.StandardCharsets.UTF_8));
        long count = page.rows;
        long bytes = page.bytes;
        while (page.next != null) {
            page = page(http, rows, cookie, device, "?next=" + java.net.URLEncoder.encode(page.next,
                    java.nio.charset.StandardCharsets.UTF_8));
            count += page.rows;
            bytes += page.bytes;
        }
        return new Download(count, page.checkpoint, bytes, null);
    }

    static Download page(HttpClient http, String rows, String cookie, String device, String query) throws Exception {
        String url = rows + query;
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Cookie", cookie)
                .header("X-Device-Id", device).timeout(Duration.ofMinutes(30)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        // Streamed: only the closing fields are kept, the rows are counted as they pass.
        long count = 0;
        String cp = null;
        String next = null;
        long bytes;
        try (InputStream in = r.body(); var counting = new CountingStream(in);
                var parser = JSON.getFactory().createParser(counting)) {
            String field = null;
            int depth = 0;
            com.fasterxml.jackson.core.JsonToken t;
            while ((t = parser.nextToken()) != null) {
                if (t == com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                    depth++;
                    if (depth == 2 && "rows".equals(field)) {
                        count++;
                    }
                } else if (t == com.fasterxml.jackson.core.JsonToken.END_OBJECT) {
                    depth--;
                } else if (t == com.fasterxml.jackson.core.JsonToken.FIELD_NAME && depth == 1) {
                    field = parser.currentName();
                } else if (t == com.fasterxml.jackson.core.JsonToken.VALUE_STRING && depth == 1 && "checkpoint".equals(field)) {
                    cp = parser.getText();
                } else if (t == com.fasterxml.jackson.core.JsonToken.VALUE_STRING && depth == 1 && "next".equals(field)) {
                    next = parser.getText();
                }
            }
            bytes = counting.count;
        }
        assertTrue(cp != null, "a complete answer");
        return new Download(count, cp, bytes, next);
    }

    static void confirm(HttpClient http, String rows, String cookie, String csrf, String device, String checkpoint) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(rows.replace("/rows", "/checkpoints")))
                .header("Cookie", cookie).header("X-CSRF-Token", csrf).header("X-Device-Id", device)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        JSON.writeValueAsString(Map.of("checkpoint", checkpoint)))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
    }

    private static double ms(long[] sorted, int percentile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(percentile / 100.0 * sorted.length) - 1)] / 1e6;
    }

    /** Counts the bytes read through it. */
    static final class CountingStream extends java.io.FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws java.io.IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
