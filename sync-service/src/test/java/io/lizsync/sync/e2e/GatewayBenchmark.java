package io.lizsync.sync.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lizsync.proto.packaging.v1.DownloadPackageRequest;
import io.lizsync.proto.packaging.v1.PackageChunk;
import io.lizsync.proto.packaging.v1.PackageInfo;
import io.lizsync.proto.packaging.v1.PackagingServiceGrpc;
import io.lizsync.proto.sync.v1.CentralAdminGrpc;
import io.lizsync.proto.sync.v1.GetToolsStatusRequest;
import io.lizsync.testkit.RssSampler;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The gateway's cost (issue 6/12's figures; a benchmark, not a test: `scripts/bench.sh gateway [MB]`):
 * p50/p99 of a cheap REST call (GET /api/v1/central/tools) against the same gRPC call made
 * directly (GetToolsStatus, same access token, same machine, same run), and a package of about
 * {@code bench.mb} MB downloaded through the gateway against the direct gRPC download: throughput
 * ratio and the gateway's peak RSS while it streams. Every service its own process on loopback.
 */
class GatewayBenchmark {

    static final int WARMUP = Integer.getInteger("bench.warmup", 1000);
    static final int CALLS = Integer.getInteger("bench.calls", 3000);
    static final int MB = Integer.getInteger("bench.mb", 1024);
    /** Another build of the gateway (its quarkus-run.jar) measured in the same run, interleaved; optional. */
    static final String COMPARE_JAR = System.getProperty("bench.compare-gateway", "");

    @Test
    void gatewayOverhead() throws Exception {
        // Random bytes, twice as long in COPY's hex text, deflate back to about their own size in the ZIP.
        String ddl = """
                CREATE SCHEMA bulk;
                CREATE TABLE bulk.blob (id serial PRIMARY KEY, uid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(), b bytea);
                CREATE EXTENSION IF NOT EXISTS pgcrypto;
                INSERT INTO bulk.blob (b) SELECT (SELECT string_agg(gen_random_bytes(1000), ''::bytea) FROM generate_series(1, 1000) WHERE g > 0)
                    FROM generate_series(1, %d) g;
                """.formatted(MB);
        try (Mesh mesh = Mesh.start(ddl, "bulk", List.<String[]>of(new String[] {"bulk", "blob"}));
                ServiceProcess packaging = ServiceProcess.start("bench-packaging", ServiceProcess.PACKAGING_JAR,
                        PackageProcesses.packagingEnv(mesh.db("central"), Files.createTempDirectory("lizsync-bench-packages")));
                ServiceProcess gateway = ServiceProcess.start("bench-gateway", GatewayIT.GATEWAY_JAR, Map.of(
                        "QUARKUS_GRPC_CLIENTS_SYNC_PORT", Integer.toString(mesh.central.port),
                        "QUARKUS_GRPC_CLIENTS_REGISTRY_PORT", Integer.toString(mesh.registry.port),
                        "QUARKUS_GRPC_CLIENTS_PACKAGING_PORT", Integer.toString(packaging.port)));
                ServiceProcess other = COMPARE_JAR.isBlank() ? null : ServiceProcess.start("bench-gateway-other",
                        Path.of(COMPARE_JAR), Map.of(
                        "QUARKUS_GRPC_CLIENTS_SYNC_PORT", Integer.toString(mesh.central.port),
                        "QUARKUS_GRPC_CLIENTS_REGISTRY_PORT", Integer.toString(mesh.registry.port),
                        "QUARKUS_GRPC_CLIENTS_PACKAGING_PORT", Integer.toString(packaging.port)))) {
            String token = io.lizsync.testkit.TestKeys.get().token("bench", "administrator");
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest rest = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port + "/api/v1/central/tools"))
                    .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build();
            var grpc = CentralAdminGrpc.newBlockingStub(mesh.channel(mesh.central.port))
                    .withCallCredentials(io.lizsync.testkit.TestKeys.get().as("bench", "administrator"));
            // The gateway alone: the caller's identity, no service behind it.
            HttpRequest me = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port + "/api/v1/session"))
                    .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build();
            HttpRequest otherRest = other == null ? null : HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + other.port
                    + "/api/v1/central/tools")).header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build();
            // Interleaved, so that all see the same machine at the same moment.
            long[] viaGateway = new long[CALLS];
            long[] direct = new long[CALLS];
            long[] alone = new long[CALLS];
            long[] viaOther = new long[CALLS];
            for (int i = -WARMUP; i < CALLS; i++) {
                long t0 = System.nanoTime();
                HttpResponse<String> r = http.send(rest, HttpResponse.BodyHandlers.ofString());
                long t1 = System.nanoTime();
                grpc.withDeadlineAfter(30, TimeUnit.SECONDS).getToolsStatus(GetToolsStatusRequest.getDefaultInstance());
                long t2 = System.nanoTime();
                HttpResponse<String> m = http.send(me, HttpResponse.BodyHandlers.ofString());
                long t3 = System.nanoTime();
                if (otherRest != null) {
                    HttpResponse<String> o = http.send(otherRest, HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, o.statusCode(), o.body());
                }
                long t4 = System.nanoTime();
                assertEquals(200, r.statusCode(), r.body());
                assertEquals(200, m.statusCode(), m.body());
                if (i >= 0) {
                    viaGateway[i] = t1 - t0;
                    direct[i] = t2 - t1;
                    alone[i] = t3 - t2;
                    viaOther[i] = t4 - t3;
                }
            }
            Arrays.sort(viaGateway);
            Arrays.sort(direct);
            Arrays.sort(alone);
            Arrays.sort(viaOther);

            PackageInfo info = PackageProcesses.build(mesh.channel(packaging.port), "bulk", Duration.ofMinutes(60));
            long directNanos = downloadDirect(mesh.channel(packaging.port), info);
            long idleKb = RssSampler.procKb(gateway.pid(), "VmRSS");
            long gatewayNanos;
            long peakKb;
            try (RssSampler rss = new RssSampler(Map.of("gateway", gateway.pid()))) {
                rss.takePeaks();
                gatewayNanos = downloadViaGateway(http, gateway.port, token, info);
                peakKb = rss.takePeaks().get("gateway");
            }
            double mb = info.getSizeBytes() / 1e6;
            StringBuilder out = new StringBuilder();
            out.append("# Gateway overhead (").append(CALLS).append(" calls after ").append(WARMUP).append(" warm-up, interleaved)\n");
            out.append("| call | p50 ms | p99 ms |\n|---|---|---|\n");
            out.append(String.format("| GET /api/v1/central/tools through the gateway | %.3f | %.3f |%n", ms(viaGateway, 50), ms(viaGateway, 99)));
            out.append(String.format("| GetToolsStatus over gRPC, direct | %.3f | %.3f |%n", ms(direct, 50), ms(direct, 99)));
            out.append(String.format("| GET /api/v1/session (the gateway alone: token checked, no service) | %.3f | %.3f |%n",
                    ms(alone, 50), ms(alone, 99)));
            out.append(String.format("| added by the gateway | %.3f | %.3f |%n", ms(viaGateway, 50) - ms(direct, 50),
                    ms(viaGateway, 99) - ms(direct, 99)));
            if (other != null) {
                out.append(String.format("| the same call through the other gateway (%s) | %.3f | %.3f |%n", COMPARE_JAR,
                        ms(viaOther, 50), ms(viaOther, 99)));
                out.append(String.format("| added by the other gateway | %.3f | %.3f |%n", ms(viaOther, 50) - ms(direct, 50),
                        ms(viaOther, 99) - ms(direct, 99)));
            }
            out.append(String.format("%n# Package download, %.0f MB (sha256 checked both ways)%n", mb));
            out.append("| path | s | MB/s |\n|---|---|---|\n");
            out.append(String.format("| gRPC DownloadPackage, direct | %.2f | %.0f |%n", directNanos / 1e9, mb / (directNanos / 1e9)));
            out.append(String.format("| GET /api/v1/packages/{id}/archive through the gateway | %.2f | %.0f |%n", gatewayNanos / 1e9,
                    mb / (gatewayNanos / 1e9)));
            out.append(String.format("| throughput ratio gateway / direct | %.2f | |%n", (double) directNanos / gatewayNanos));
            out.append(String.format("%nGateway RSS: %d MB idle before the download, peak %d MB during it.%n", idleKb / 1024,
                    peakKb / 1024));
            Path report = Path.of("target", "bench", "gateway-bench.txt");
            Files.createDirectories(report.getParent());
            Files.writeString(report, out);
            System.out.println(out);
        }
    }

    private static double ms(long[] sorted, int percentile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(percentile / 100.0 * sorted.length) - 1)] / 1e6;
    }

    private static long downloadDirect(io.grpc.Channel packaging, PackageInfo info) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long start = System.nanoTime();
        Iterator<PackageChunk> chunks = PackagingServiceGrpc.newBlockingStub(packaging).withCallCredentials(Mesh.ADMIN)
                .withDeadlineAfter(30, TimeUnit.MINUTES).downloadPackage(DownloadPackageRequest.newBuilder()
                        .setPackageId(info.getPackageId()).setChunkSize(1024 * 1024).build());
        while (chunks.hasNext()) {
            chunks.next().getData().asReadOnlyByteBufferList().forEach(sha::update);
        }
        long nanos = System.nanoTime() - start;
        assertEquals(info.getSha256(), HexFormat.of().formatHex(sha.digest()));
        return nanos;
    }

    private static long downloadViaGateway(HttpClient http, int port, String token, PackageInfo info) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long start = System.nanoTime();
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/v1/packages/" + info.getPackageId() + "/archive")).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = r.body()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                sha.update(buffer, 0, n);
            }
        }
        long nanos = System.nanoTime() - start;
        assertEquals(info.getSha256(), HexFormat.of().formatHex(sha.digest()));
        return nanos;
    }
}
