package io.lizsync.sync.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lizsync.proto.packaging.v1.BuildPackageRequest;
import io.lizsync.proto.packaging.v1.DownloadPackageRequest;
import io.lizsync.proto.packaging.v1.PackageInfo;
import io.lizsync.proto.packaging.v1.PackagingServiceGrpc;
import io.lizsync.proto.sync.v1.CentralAdminGrpc;
import io.lizsync.proto.sync.v1.CloneAgentGrpc;
import io.lizsync.proto.sync.v1.DeployProgress;
import io.lizsync.proto.sync.v1.DeployRequest;
import io.lizsync.proto.sync.v1.InstallRequest;
import io.lizsync.proto.sync.v1.PrepareRequest;
import io.lizsync.sql.pkg.PackageManifest;
import io.lizsync.sql.pkg.PackageSignature;
import io.lizsync.testkit.PgClusters;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Signed packages end to end (ADR 0011): central, packaging-service signing with central's key and
 * a clone's sidecar trusting only that key, all separate processes over real gRPC. A signed package
 * deploys, its additional SQL running as the configured role; packages that are unsigned, signed
 * by another key, or changed after signing (then signed again by another key) are refused whether
 * they come as a file on the clone's disk or are swapped in packaging-service's storage, and the
 * clone keeps its tables, tools and identity; services without their key do not start.
 * (Set up as {@link PackageDeployIT}, with one clone.)
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SignedPackageIT {

    private static final String DDL = """
            CREATE SCHEMA survey;
            CREATE TABLE survey.site (id serial PRIMARY KEY, name text NOT NULL, geom geometry(Point, 2154));
            INSERT INTO survey.site (name, geom)
            SELECT 'site ' || g, ST_SetSRID(ST_MakePoint(650000 + g, 6860000), 2154) FROM generate_series(1, 200) g;
            """;
    private static final String ROLE = "field_notes";

    static PgClusters dbs;
    static ServiceProcess central;
    static ServiceProcess packaging;
    static ServiceProcess sidecar;
    static Path storage;
    static KeyPair stranger;
    static final List<ManagedChannel> channels = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        dbs = PgClusters.start("central", "clone");
        try {
            stranger = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            sql("central", DDL);
            central = ServiceProcess.start("signed-central", Mesh.dbEnv(dbs.get("central"), "central"));
            var admin = CentralAdminGrpc.newBlockingStub(channel(central.port))
                    .withCallCredentials(Mesh.ADMIN).withDeadlineAfter(120, TimeUnit.SECONDS);
            assertEquals(1, admin.install(InstallRequest.getDefaultInstance()).getStatus());
            assertEquals(1, admin.prepare(PrepareRequest.newBuilder().setAddServerId(true).setAddUidColumns(true)
                    .setAddAuditTriggers(true).addSchemas("survey").build()).getStatus());
            storage = Files.createTempDirectory("lizsync-signed-packages");
            packaging = ServiceProcess.start("signed-packaging", ServiceProcess.PACKAGING_JAR, packagingEnv());
            // A role of the clone for the additional SQL: it owns one schema of its own, nothing else.
            sql("clone", "CREATE ROLE " + ROLE + " NOLOGIN; CREATE SCHEMA local_notes AUTHORIZATION " + ROLE + ";"
                    + "CREATE TABLE local_notes.deployed_by (who text, login text);"
                    + "ALTER TABLE local_notes.deployed_by OWNER TO " + ROLE);
            Map<String, String> env = sidecarEnv();
            env.put("LIZSYNC_SYNC_DEPLOY_ADDITIONAL_SQL_ROLE", ROLE);
            sidecar = ServiceProcess.start("signed-sidecar", env);
        } catch (Exception | Error e) {
            stop();
            throw e;
        }
    }

    static Map<String, String> packagingEnv() throws Exception {
        return PackageProcesses.packagingEnv(dbs.get("central"), storage);
    }

    static Map<String, String> sidecarEnv() throws Exception {
        return PackageProcesses.sidecarEnv(dbs.get("clone"), central.port, packaging.port,
                Files.createTempDirectory("lizsync-sidecar-signed"));
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
    @Order(1)
    void aSignedPackageDeploysAndItsAdditionalSqlRunsAsTheConfiguredRole() throws Exception {
        PackageInfo pkg = build(BuildPackageRequest.newBuilder().addSchemas("survey")
                .setAdditionalSql("INSERT INTO local_notes.deployed_by SELECT current_user, session_user;").build());
        var done = deploy( DeployRequest.newBuilder().setPackageId(pkg.getPackageId()));
        assertEquals(1, done.getStatus(), done.getMessage());
        assertEquals("200", one("SELECT count(*) FROM survey.site"));
        assertEquals(ROLE + "|" + dbs.get("clone").user(), one("SELECT who || '|' || login FROM local_notes.deployed_by"));
    }

    @Test
    @Order(2)
    void packagesNotSignedByCentralAreRefusedAndTheCloneIsUntouched() throws Exception {
        sql("central", "UPDATE survey.site SET name = 'renamed on central' WHERE id = 1");
        PackageInfo fresh = build(BuildPackageRequest.newBuilder().addSchemas("survey")
                .setAdditionalSql("INSERT INTO local_notes.deployed_by SELECT 'fresh', session_user;").build());
        Path signed = Files.createTempFile(PackageDeployIT.IMPORT, "signed", ".zip");
        download(fresh.getPackageId(), signed);
        String before = cloneState();

        Path unsigned = rewrite(signed, Map.of(PackageManifest.SIGNATURE, m -> null));
        refused(unsigned, "is not signed");
        byte[] original = manifest(signed);
        Path otherKey = rewrite(signed, Map.of(PackageManifest.SIGNATURE, m -> signByStranger(original)));
        refused(otherKey, "signed by another key");
        // The additional SQL replaced and the manifest brought in line with it: kept signature, or a new one.
        byte[] evil = "DROP SCHEMA local_notes CASCADE;".getBytes(StandardCharsets.UTF_8);
        byte[] changedManifest = manifestWithAdditionalSql(original, evil);
        refused(rewrite(signed, Map.of(PackageManifest.ADDITIONAL_SQL, m -> evil, PackageManifest.MANIFEST,
                m -> changedManifest)), "was changed after central signed it");
        Path reSigned = rewrite(signed, Map.of(PackageManifest.ADDITIONAL_SQL, m -> evil, PackageManifest.MANIFEST,
                m -> changedManifest, PackageManifest.SIGNATURE, m -> signByStranger(changedManifest)));
        refused(reSigned, "signed by another key");
        // The additional SQL alone replaced (as long as the original): its checksum in the signed manifest
        // no longer matches.
        refused(rewrite(signed, Map.of(PackageManifest.ADDITIONAL_SQL, m -> sameLength(evil, m.length))),
                "\"additional.sql\" was changed after packaging");

        // The same re-signed package swapped into packaging-service's storage, deployed by id.
        Files.copy(reSigned, storage.resolve(fresh.getPackageId() + ".zip"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path info = storage.resolve(fresh.getPackageId() + ".json");
        Files.writeString(info, Files.readString(info).replaceAll("\"sha256\"\\s*:\\s*\"[0-9a-f]*\"", "\"sha256\": \"\""));
        var byId = assertThrows(StatusRuntimeException.class, () -> deploy(
                DeployRequest.newBuilder().setPackageId(fresh.getPackageId()).setForce(true)));
        assertEquals(Status.Code.INVALID_ARGUMENT, byId.getStatus().getCode());
        assertTrue(byId.getStatus().getDescription().contains("signed by another key"), byId.getStatus().getDescription());
        assertEquals(before, cloneState());

        // The genuine package still deploys from the clone's disk.
        var ok = deploy( DeployRequest.newBuilder().setZipPath(signed.toString()));
        assertEquals(1, ok.getStatus(), ok.getMessage());
        assertEquals("renamed on central", one("SELECT name FROM survey.site WHERE id = 1"));
    }

    @Test
    @Order(3)
    void servicesWithoutTheirKeyDoNotStartAndSayWhy() throws Exception {
        Map<String, String> env = packagingEnv();
        env.put("LIZSYNC_PACKAGING_SIGNING_PRIVATE_KEY_FILE", "");
        assertDoesNotStart("signed-packaging-nokey", ServiceProcess.PACKAGING_JAR, env, "has no signing key");
        env = sidecarEnv();
        env.put("LIZSYNC_SYNC_PACKAGE_SIGNING_PUBLIC_KEY_FILE", "");
        assertDoesNotStart("signed-sidecar-nokey", ServiceProcess.JAR, env, "has no key to check them");
    }

    // ------------------------------------------------------------------ helpers

    private static void refused(Path zip, String why) throws Exception {
        String before = cloneState();
        var e = assertThrows(StatusRuntimeException.class, () -> deploy(
                DeployRequest.newBuilder().setZipPath(zip.toString()).setForce(true)));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
        assertTrue(e.getStatus().getDescription().contains(why), e.getStatus().getDescription());
        assertEquals(before, cloneState(), "the clone changed after a refused deploy of " + zip);
    }

    private static void assertDoesNotStart(String name, Path jar, Map<String, String> env, String why) throws Exception {
        Path log = Path.of("target", "e2e-logs", name + ".log");
        Files.deleteIfExists(log);
        var e = assertThrows(IllegalStateException.class, () -> ServiceProcess.start(name, jar, env).close());
        assertTrue(e.getMessage().contains("exited"), e.getMessage());
        assertTrue(Files.readString(log, StandardCharsets.ISO_8859_1).contains(why), name + " did not say: " + why);
    }

    /** The clone's rows, tables, tools and identity. */
    private static String cloneState() throws Exception {
        return one("""
                SELECT (SELECT count(*) || ':' || md5(string_agg(s::text, ',' ORDER BY uid)) FROM survey.site s)
                 || '#' || (SELECT string_agg(schemaname || '.' || tablename, ',' ORDER BY 1) FROM pg_tables
                            WHERE schemaname NOT IN ('pg_catalog', 'information_schema'))
                 || '#' || lizsync.tools_version()
                 || '#' || (SELECT string_agg(version || ':' || checksum || ':' || installed_on, ',' ORDER BY installed_rank)
                            FROM lizsync.tools_history)
                 || '#' || (SELECT string_agg(server_id || ':' || server_name || ':' || server_role, ',') FROM lizsync.server_metadata)
                 || '#' || (SELECT string_agg(clone_id || ':' || last_tick_id || ':' || package_id, ',') FROM lizsync.clone_state)
                 || '#' || (SELECT string_agg(schema_name || '.' || table_name, ',' ORDER BY 1) FROM lizsync.synchronized_tables)
                 || '#' || (SELECT count(*) FROM audit.logged_actions)
                 || '#' || (SELECT string_agg(who || ':' || login, ',' ORDER BY 1) FROM local_notes.deployed_by)""");
    }

    /** {@code sql} cut or padded with spaces to {@code length} bytes. */
    private static byte[] sameLength(byte[] sql, int length) {
        byte[] out = new byte[length];
        java.util.Arrays.fill(out, (byte) ' ');
        System.arraycopy(sql, 0, out, 0, Math.min(sql.length, length));
        return out;
    }

    private static byte[] signByStranger(byte[] manifest) {
        return new PackageSignature.Signer(stranger).sign(manifest);
    }

    private static byte[] manifest(Path zip) throws Exception {
        try (ZipFile in = new ZipFile(zip.toFile())) {
            return in.getInputStream(in.getEntry(PackageManifest.MANIFEST)).readAllBytes();
        }
    }

    private static byte[] manifestWithAdditionalSql(byte[] manifest, byte[] sql) throws Exception {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(sql));
        PackageManifest m = PackageManifest.fromJson(manifest);
        return m.withEntries(m.entries().stream().map(e -> e.name().equals(PackageManifest.ADDITIONAL_SQL)
                ? new PackageManifest.Entry(e.name(), sql.length, sha) : e).toList()).toJson().getBytes(StandardCharsets.UTF_8);
    }

    /** A copy of {@code from} whose named entries are rewritten (a null result drops the entry). */
    private static Path rewrite(Path from, Map<String, UnaryOperator<byte[]>> change) throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile in = new ZipFile(from.toFile())) {
            for (ZipEntry e : java.util.Collections.list(in.entries())) {
                byte[] bytes = in.getInputStream(e).readAllBytes();
                entries.put(e.getName(), change.getOrDefault(e.getName(), UnaryOperator.identity()).apply(bytes));
            }
        }
        Path to = Files.createTempFile(PackageDeployIT.IMPORT, "tampered", ".zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(to))) {
            for (var e : entries.entrySet()) {
                if (e.getValue() != null) {
                    out.putNextEntry(new ZipEntry(e.getKey()));
                    out.write(e.getValue());
                    out.closeEntry();
                }
            }
        }
        return to;
    }

    static PackageInfo build(BuildPackageRequest request) {
        var events = PackagingServiceGrpc.newBlockingStub(channel(packaging.port)).withCallCredentials(Mesh.ADMIN)
                .withDeadlineAfter(300, TimeUnit.SECONDS).buildPackage(request);
        PackageInfo info = null;
        while (events.hasNext()) {
            var e = events.next();
            if (e.hasPackage()) {
                info = e.getPackage();
            }
        }
        return info;
    }

    static DeployProgress deploy(DeployRequest.Builder request) {
        var it = CloneAgentGrpc.newBlockingStub(channel(sidecar.port)).withCallCredentials(Mesh.ADMIN)
                .withDeadlineAfter(300, TimeUnit.SECONDS).deploy(request.build());
        DeployProgress last = null;
        while (it.hasNext()) {
            last = it.next();
        }
        assertTrue(last != null && last.getDone(), "a final deploy message");
        return last;
    }

    static void download(String id, Path to) throws Exception {
        var chunks = PackagingServiceGrpc.newBlockingStub(channel(packaging.port)).withCallCredentials(Mesh.ADMIN)
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .downloadPackage(DownloadPackageRequest.newBuilder().setPackageId(id).build());
        try (OutputStream out = Files.newOutputStream(to)) {
            while (chunks.hasNext()) {
                chunks.next().getData().writeTo(out);
            }
        }
    }

    static ManagedChannel channel(int port) {
        ManagedChannel ch = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                .maxInboundMessageSize(8 * 1024 * 1024).build();
        channels.add(ch);
        return ch;
    }

    private static void sql(String node, String text) throws Exception {
        try (Connection c = dbs.get(node).connect(); Statement st = c.createStatement()) {
            st.execute(text);
        }
    }

    private static String one(String query) throws Exception {
        try (Connection c = dbs.get("clone").connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(query)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
