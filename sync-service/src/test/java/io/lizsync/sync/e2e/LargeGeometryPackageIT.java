package io.lizsync.sync.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.lizsync.proto.packaging.v1.BuildPackageEvent;
import io.lizsync.proto.packaging.v1.BuildPackageRequest;
import io.lizsync.proto.packaging.v1.DownloadPackageRequest;
import io.lizsync.proto.packaging.v1.PackageChunk;
import io.lizsync.proto.packaging.v1.PackageInfo;
import io.lizsync.proto.packaging.v1.PackagingServiceGrpc;
import io.lizsync.proto.sync.v1.CentralAdminGrpc;
import io.lizsync.proto.sync.v1.CloneAgentGrpc;
import io.lizsync.proto.sync.v1.DeployProgress;
import io.lizsync.proto.sync.v1.DeployRequest;
import io.lizsync.proto.sync.v1.InstallRequest;
import io.lizsync.proto.sync.v1.PrepareRequest;
import io.lizsync.testkit.PgClusters;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A package of real GIS shapes far larger than any one message: parcels of survey zones whose
 * polygons hold 200 000 and 320 000 vertices (3.2 and 5.1 MB of WKB each). It builds on central,
 * downloads in chunks of at most 1 MiB (packaging-service's max-chunk-bytes), even for a client
 * that asks for 16 MiB and sets no message limit, and deploys by id through the sidecar to a
 * clone that ends up with every vertex. Central, packaging-service and the sidecar are separate
 * processes over real gRPC.
 */
class LargeGeometryPackageIT {

    private static final String DDL = """
            CREATE SCHEMA gis;
            CREATE TABLE gis.zone (id serial PRIMARY KEY, name text NOT NULL, geom geometry(Polygon, 2154) NOT NULL);
            INSERT INTO gis.zone (name, geom)
            SELECT 'zone ' || k, ST_Buffer(ST_SetSRID(ST_MakePoint(650000 + k * 5000, 6860000), 2154), 1000 + k,
                   'quad_segs=' || q)
            FROM (VALUES (1, 50000), (2, 80000), (3, 8), (4, 50000)) v(k, q);
            """;

    static PgClusters dbs;
    static ServiceProcess central;
    static ServiceProcess packaging;
    static ServiceProcess sidecar;
    static final List<ManagedChannel> channels = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        dbs = PgClusters.start("central", "clone");
        try {
            sql("central", DDL);
            central = ServiceProcess.start("geom-central", Mesh.dbEnv(dbs.get("central"), "central"));
            var admin = CentralAdminGrpc.newBlockingStub(channel(central.port)).withCallCredentials(Mesh.ADMIN).withDeadlineAfter(120, TimeUnit.SECONDS);
            assertEquals(1, admin.install(InstallRequest.getDefaultInstance()).getStatus());
            assertEquals(1, admin.prepare(PrepareRequest.newBuilder().setAddServerId(true).setAddUidColumns(true)
                    .setAddAuditTriggers(true).addSchemas("gis").build()).getStatus());
            packaging = ServiceProcess.start("geom-packaging", ServiceProcess.PACKAGING_JAR,
                    PackageProcesses.packagingEnv(dbs.get("central"), Files.createTempDirectory("lizsync-packages")));
            Map<String, String> env = PackageProcesses.sidecarEnv(dbs.get("clone"), central.port, packaging.port,
                    Files.createTempDirectory("lizsync-sidecar-geom"));
            sidecar = ServiceProcess.start("geom-sidecar", env);
        } catch (Exception | Error e) {
            stop();
            throw e;
        }
    }

    @AfterAll
    static void stop() {
        channels.forEach(ManagedChannel::shutdownNow);
        for (ServiceProcess p : new ServiceProcess[] {sidecar, packaging, central}) {
            if (p != null) {
                p.close();
            }
        }
        if (dbs != null) {
            dbs.close();
        }
    }

    @Test
    void multiMegabytePolygonsBuildDownloadInBoundedChunksAndDeployWhole() throws Exception {
        Map<String, String> shapes = shapes("central");
        assertEquals("200001", one("central", "SELECT ST_NPoints(geom) FROM gis.zone WHERE name = 'zone 1'"));
        assertEquals("320001", one("central", "SELECT ST_NPoints(geom) FROM gis.zone WHERE name = 'zone 2'"));
        assertTrue(Long.parseLong(one("central", "SELECT max(length(ST_AsBinary(geom))) FROM gis.zone")) > 5_000_000);

        PackageInfo pkg = build();
        assertEquals(4, pkg.getTables(0).getRowCount());
        assertTrue(pkg.getSizeBytes() > 3 * 1024 * 1024, "an archive of several chunks: " + pkg.getSizeBytes());

        // A client that sets no message limit (grpc-java: 4 MiB) and asks for 16 MiB chunks.
        ManagedChannel plain = ManagedChannelBuilder.forAddress("127.0.0.1", packaging.port).usePlaintext().build();
        channels.add(plain);
        Iterator<PackageChunk> it = PackagingServiceGrpc.newBlockingStub(plain).withCallCredentials(Mesh.ADMIN).withDeadlineAfter(120, TimeUnit.SECONDS)
                .downloadPackage(DownloadPackageRequest.newBuilder().setPackageId(pkg.getPackageId())
                        .setChunkSize(16 * 1024 * 1024).build());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long bytes = 0;
        int chunks = 0;
        while (it.hasNext()) {
            PackageChunk c = it.next();
            assertTrue(c.getData().size() <= 1024 * 1024, "chunk " + chunks + " of " + c.getData().size() + " bytes");
            sha.update(c.getData().asReadOnlyByteBuffer());
            bytes += c.getData().size();
            chunks++;
        }
        assertEquals(pkg.getSizeBytes(), bytes);
        assertEquals((pkg.getSizeBytes() + 1024 * 1024 - 1) / (1024 * 1024), chunks);
        assertEquals(pkg.getSha256(), HexFormat.of().formatHex(sha.digest()));

        // The sidecar fetches it by id (its own 1 MiB chunks) and deploys it in one transaction.
        Iterator<DeployProgress> steps = CloneAgentGrpc.newBlockingStub(channel(sidecar.port)).withCallCredentials(Mesh.ADMIN)
                .withDeadlineAfter(300, TimeUnit.SECONDS)
                .deploy(DeployRequest.newBuilder().setPackageId(pkg.getPackageId()).setCloneName("field-laptop").build());
        DeployProgress last = null;
        while (steps.hasNext()) {
            last = steps.next();
        }
        assertTrue(last != null && last.getDone() && last.getStatus() == 1, String.valueOf(last));
        assertEquals(shapes, shapes("clone"), "every zone with every vertex on the clone");
    }

    // ------------------------------------------------------------------ helpers

    static PackageInfo build() {
        Iterator<BuildPackageEvent> events = PackagingServiceGrpc.newBlockingStub(channel(packaging.port)).withCallCredentials(Mesh.ADMIN)
                .withDeadlineAfter(300, TimeUnit.SECONDS).buildPackage(BuildPackageRequest.newBuilder()
                        .addSchemas("gis").setDescription("large polygons").build());
        PackageInfo info = null;
        while (events.hasNext()) {
            BuildPackageEvent e = events.next();
            if (e.hasPackage()) {
                info = e.getPackage();
            }
        }
        assertTrue(info != null, "a built package");
        return info;
    }

    /** uid → vertex count and MD5 of the EWKB of each zone. */
    static Map<String, String> shapes(String node) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = dbs.get(node).connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT uid::text, name || ':' || ST_NPoints(geom) || ':' || md5(ST_AsEWKB(geom))"
                        + " FROM gis.zone ORDER BY uid")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        assertEquals(4, out.size(), node + " zones");
        return out;
    }

    static ManagedChannel channel(int port) {
        ManagedChannel ch = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                .maxInboundMessageSize(16 * 1024 * 1024).build();
        channels.add(ch);
        return ch;
    }

    static void sql(String node, String text) throws Exception {
        try (Connection c = dbs.get(node).connect(); Statement st = c.createStatement()) {
            st.execute(text);
        }
    }

    static String one(String node, String query) throws Exception {
        try (Connection c = dbs.get(node).connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
