package io.lizsync.sync.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lizsync.proto.packaging.v1.BuildPackageEvent;
import io.lizsync.proto.packaging.v1.BuildPackageRequest;
import io.lizsync.proto.packaging.v1.DownloadPackageRequest;
import io.lizsync.proto.packaging.v1.PackageInfo;
import io.lizsync.proto.packaging.v1.PackagingServiceGrpc;
import io.lizsync.proto.sync.v1.CentralAdminGrpc;
import io.lizsync.proto.sync.v1.CloneAgentGrpc;
import io.lizsync.proto.sync.v1.DeployProgress;
import io.lizsync.proto.sync.v1.DeployRequest;
import io.lizsync.proto.sync.v1.GetCloneStatusRequest;
import io.lizsync.proto.sync.v1.InstallRequest;
import io.lizsync.proto.sync.v1.PrepareRequest;
import io.lizsync.proto.sync.v1.SynchronizeRequest;
import io.lizsync.proto.sync.v1.SynchronizeResponse;
import io.lizsync.testkit.PgCluster;
import io.lizsync.testkit.PgClusters;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Packages end to end: central PostgreSQL + central sync-service + packaging-service, two clone
 * servers each with its own sidecar process, all over real gRPC. One package, built while a
 * central transaction is still open, deployed to one clone by id and to the other from a ZIP on
 * its disk; first syncs receive exactly the late change; redeploy rules; a sidecar killed in the
 * middle of a deploy.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PackageDeployIT {

    private static final String DDL = """
            CREATE SCHEMA survey;
            CREATE TABLE survey.parcel (id serial PRIMARY KEY, code text NOT NULL, owner text, area numeric(12,2),
                geom geometry(Polygon, 2154) NOT NULL);
            CREATE INDEX parcel_geom_idx ON survey.parcel USING gist (geom);
            CREATE TABLE survey.observation (id serial PRIMARY KEY, species text NOT NULL, seen_at timestamptz,
                remarks text, attrs jsonb, geom geometry(Point, 2154), parcel_uid uuid);
            """;
    private static final List<String> TABLES = List.of("survey.observation", "survey.parcel");

    static PgClusters dbs;
    static ServiceProcess registry;
    static ServiceProcess central;
    static ServiceProcess packaging;
    static final Map<String, ServiceProcess> sidecars = new LinkedHashMap<>();
    static final List<ManagedChannel> channels = new ArrayList<>();
    static PackageInfo pkg;
    static Path stateDir;
    /** The sidecars' import folder: the only place a deploy by zip_path reads from. */
    static final Path IMPORT = importFolder();

    static Path importFolder() {
        try {
            return Files.createTempDirectory("lizsync-import");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        dbs = PgClusters.start("central", "clone-a", "clone-b");
        try {
            sql("central", DDL);
            // packaging-service first: central relays packages from it to deploying clones
            packaging = ServiceProcess.start("pkg-packaging", ServiceProcess.PACKAGING_JAR,
                    PackageProcesses.packagingEnv(dbs.get("central"), Files.createTempDirectory("lizsync-packages")));
            var centralProcesses = PackageProcesses.startCentral("pkg-central", dbs.get("central"),
                    Map.of("LIZSYNC_SYNC_PACKAGING_PORT", Integer.toString(packaging.port)));
            registry = centralProcesses[0];
            central = centralProcesses[1];
            var admin = admin();
            assertEquals(1, admin.install(InstallRequest.getDefaultInstance()).getStatus());
            assertEquals(1, admin.prepare(PrepareRequest.newBuilder().setAddServerId(true).setAddUidColumns(true)
                    .setAddAuditTriggers(true).addSchemas("survey").build()).getStatus());
            sql("central", """
                    ALTER TABLE survey.observation ADD FOREIGN KEY (parcel_uid) REFERENCES survey.parcel (uid);
                    INSERT INTO survey.parcel (code, owner, geom)
                    SELECT 'P-' || g, 'owner ' || g, ST_MakeEnvelope(650000 + g * 100, 6860000, 650090 + g * 100, 6860090, 2154)
                    FROM generate_series(1, 40) g;
                    UPDATE survey.parcel SET area = round(ST_Area(geom)::numeric, 2);
                    INSERT INTO survey.observation (species, seen_at, remarks, attrs, geom, parcel_uid)
                    SELECT 'species ' || g % 5, '2026-05-02 08:00+02'::timestamptz + g * interval '7 minutes',
                           CASE WHEN g % 4 = 0 THEN E'near the "hedge"\\nécrit' END, jsonb_build_object('g', g),
                           ST_SetSRID(ST_MakePoint(650000 + g * 10, 6860040), 2154), p.uid
                    FROM generate_series(1, 30000) g JOIN survey.parcel p ON p.id = 1 + g % 40;
                    """);
            for (String clone : List.of("clone-a", "clone-b")) {
                sidecars.put(clone, sidecar(clone, Files.createTempDirectory("lizsync-sidecar-" + clone)));
            }
        } catch (Exception | Error e) {
            stop();
            throw e;
        }
    }

    static ServiceProcess sidecar(String clone, Path state) throws Exception {
        Map<String, String> env = PackageProcesses.sidecarEnv(dbs.get(clone), central.port, packaging.port, state);
        env.put("LIZSYNC_SYNC_SQL_REQUEST_POLL", "0.1s");
        return ServiceProcess.start("pkg-sidecar-" + clone, env);
    }

    @AfterAll
    static void stop() {
        channels.forEach(ManagedChannel::shutdownNow);
        sidecars.values().forEach(ServiceProcess::close);
        if (packaging != null) {
            packaging.close();
        }
        if (central != null) {
            central.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (dbs != null) {
            dbs.close();
        }
    }

    @Test
    @Order(1)
    void oneSnapshotDeploysToTwoClonesAndTheLateTransactionArrivesExactlyOnce() throws Exception {
        // A transaction that started (and wrote) before the build commits after the build's snapshot.
        try (Connection late = dbs.get("central").connect(); Statement st = late.createStatement()) {
            late.setAutoCommit(false);
            st.execute("UPDATE survey.parcel SET owner = 'late writer' WHERE code = 'P-7'");
            sql("central", "UPDATE survey.parcel SET owner = 'before the package' WHERE code = 'P-8'");
            pkg = build(BuildPackageRequest.newBuilder().addSchemas("survey").setDescription("e2e")
                    .setAdditionalSql("CREATE TABLE survey_local_note (t text);").build());
            late.commit();
        }
        assertEquals(2, pkg.getTablesCount());
        assertEquals(30000, pkg.getTablesList().stream().filter(t -> t.getTable().getTableName().equals("observation"))
                .findFirst().orElseThrow().getRowCount());

        var a = deploy("clone-a", DeployRequest.newBuilder().setPackageId(pkg.getPackageId()).setCloneName("laptop-a")
                .setRegistrationTicket(ticket("clone-a", "laptop-a", pkg)));
        assertEquals(1, a.getStatus(), a.getMessage());
        assertTrue(a.getMessage().contains("registered with central"), a.getMessage());
        // clone-b: the package copied to its disk (by USB, say), deployed from the file.
        Path zip = Files.createTempFile(IMPORT, "package", ".zip");
        download(pkg.getPackageId(), zip);
        var b = deploy("clone-b", DeployRequest.newBuilder().setZipPath(zip.toString()).setCloneName("tablet-b")
                .setRegistrationTicket(ticket("clone-b", "tablet-b", pkg)));
        assertTrue(b.getMessage().contains("registered with central"), b.getMessage());
        assertEquals(1, b.getStatus(), b.getMessage());
        assertNotEquals(a.getCloneId(), b.getCloneId());
        assertEquals("before the package", one("clone-a", "SELECT owner FROM survey.parcel WHERE code = 'P-8'"));
        assertEquals("owner 7", one("clone-b", "SELECT owner FROM survey.parcel WHERE code = 'P-7'"));
        assertEquals("1", one("clone-a", "SELECT count(*) FROM pg_tables WHERE tablename = 'survey_local_note'"));

        SynchronizeResponse first = sync("clone-a");
        assertEquals(1, first.getNumberReplayedToClone(), first.getMessage());
        assertEquals(1, sync("clone-b").getNumberReplayedToClone());
        assertEquals("late writer", one("clone-b", "SELECT owner FROM survey.parcel WHERE code = 'P-7'"));
        assertEquals(0, sync("clone-a").getNumberReplayedToClone());
        assertConverged();
        // Both clones joined the package's history item and its deployment list.
        assertEquals("2", one("central", "SELECT cardinality(server_to) FROM lizsync.history WHERE sync_id = '"
                + pkg.getHistorySyncId() + "'"));
        var deployments = PackagingServiceGrpc.newBlockingStub(channel(packaging.port)).withCallCredentials(Mesh.ADMIN).withDeadlineAfter(30, TimeUnit.SECONDS)
                .listDeployments(io.lizsync.proto.packaging.v1.ListDeploymentsRequest.newBuilder()
                        .setPackageId(pkg.getPackageId()).build()).getDeploymentsList();
        assertEquals(List.of("tablet-b", "laptop-a"), deployments.stream().map(d -> d.getCloneName()).toList());
    }

    @Test
    @Order(2)
    void deployedClonesSyncBothWays() throws Exception {
        sql("clone-a", "UPDATE survey.observation SET remarks = 'from clone a' WHERE id = 10");
        sql("clone-b", "INSERT INTO survey.parcel (code, geom) VALUES ('P-new-b', ST_MakeEnvelope(0, 0, 1, 1, 2154))");
        sql("central", "DELETE FROM survey.observation WHERE id = 11");
        sync("clone-a");
        sync("clone-b");
        sync("clone-a");
        sync("clone-b");
        assertConverged();
        assertEquals("from clone a", one("clone-b", "SELECT remarks FROM survey.observation WHERE id = 10"));
    }

    @Test
    @Order(3)
    void redeployRulesAndKeptIdentity() throws Exception {
        String id = CloneAgentGrpc.newBlockingStub(channel(sidecars.get("clone-a").port)).withCallCredentials(Mesh.ADMIN)
                .getCloneStatus(GetCloneStatusRequest.getDefaultInstance()).getCloneId();
        // A package, then an edit clone-a sends after it: the clone synced past the package. Going
        // back to it loses nothing (ADR 0015, "Syncing first"): central sends again what came since,
        // that edit included (the clone registered again: what it sent before is no echo for it).
        PackageInfo older = build(BuildPackageRequest.newBuilder().addSchemas("survey").build());
        sql("clone-a", "UPDATE survey.observation SET remarks = 'from clone a, after the package' WHERE id = 13");
        assertEquals(1, sync("clone-a").getNumberReplayedToCentral());
        var back = deploy("clone-a", DeployRequest.newBuilder().setPackageId(older.getPackageId())
                .setRegistrationTicket(ticket("clone-a", "laptop-a", older)));
        assertEquals(1, back.getStatus(), back.getMessage());
        assertTrue(back.getMessage().contains("went back from central position"), back.getMessage());
        assertEquals(id, back.getCloneId());
        assertEquals(null, one("clone-a", "SELECT remarks FROM survey.observation WHERE id = 13"));
        assertEquals(1, sync("clone-a").getNumberReplayedToClone(), "its own edit comes back");
        assertEquals("from clone a, after the package", one("clone-a",
                "SELECT remarks FROM survey.observation WHERE id = 13"));
        assertEquals("0", one("clone-a", "SELECT count(*) FROM audit.logged_actions"));
        assertEquals(0, sync("clone-a").getNumberReplayedToClone(), "nothing twice");
        // A fresh package deploys and keeps the clone's id; the clone syncs on from there.
        PackageInfo fresh = build(BuildPackageRequest.newBuilder().addSchemas("survey").build());
        var again = deploy("clone-a", DeployRequest.newBuilder().setPackageId(fresh.getPackageId())
                .setRegistrationTicket(ticket("clone-a", "laptop-a", fresh)));
        assertEquals(id, again.getCloneId());
        sql("central", "UPDATE survey.parcel SET owner = 'after redeploy' WHERE code = 'P-9'");
        assertEquals(1, sync("clone-a").getNumberReplayedToClone());
        sync("clone-b");
        assertConverged();
    }

    @Test
    @Order(4)
    void badPackagesAreRefusedAndTheCloneIsUntouched() throws Exception {
        String before = snapshot("clone-b");
        Path junk = Files.createTempFile(IMPORT, "junk", ".zip");
        Files.writeString(junk, "PK this is not a zip");
        var bad = assertThrows(StatusRuntimeException.class,
                () -> deploy("clone-b", DeployRequest.newBuilder().setZipPath(junk.toString())));
        assertEquals(Status.Code.INVALID_ARGUMENT, bad.getStatus().getCode());
        var unknown = assertThrows(StatusRuntimeException.class, () -> deploy("clone-b",
                DeployRequest.newBuilder().setPackageId("00000000-0000-4000-8000-000000000000")));
        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
        var both = assertThrows(StatusRuntimeException.class, () -> deploy("clone-b",
                DeployRequest.newBuilder().setPackageId(pkg.getPackageId()).setZipPath(junk.toString())));
        assertEquals(Status.Code.INVALID_ARGUMENT, both.getStatus().getCode());
        // Only the import folder: no file beside it (a credential, say), not a link leading out of it.
        Path credential = Files.writeString(IMPORT.resolveSibling(IMPORT.getFileName() + "-beside"), "a secret");
        Path link = IMPORT.resolve("credential-link.zip");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, credential);
        for (String outside : List.of(credential.toString(), "../" + credential.getFileName(), link.getFileName().toString())) {
            var refused = assertThrows(StatusRuntimeException.class,
                    () -> deploy("clone-b", DeployRequest.newBuilder().setZipPath(outside)));
            assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode(), outside);
            assertTrue(refused.getStatus().getDescription().contains("import"), refused.getStatus().getDescription());
        }
        assertEquals(before, snapshot("clone-b"));
    }

    @Test
    @Order(5)
    void aSidecarKilledHalfwayThroughADeployLeavesThePreviousClone() throws Exception {
        sql("clone-b", "UPDATE survey.parcel SET owner = 'unsynced on b' WHERE code = 'P-3'");
        String before = snapshot("clone-b");
        PackageInfo fresh = build(BuildPackageRequest.newBuilder().addSchemas("survey").build());
        Iterator<DeployProgress> it = CloneAgentGrpc.newBlockingStub(channel(sidecars.get("clone-b").port)).withCallCredentials(Mesh.ADMIN)
                .withDeadlineAfter(300, TimeUnit.SECONDS)
                .deploy(DeployRequest.newBuilder().setPackageId(fresh.getPackageId()).setForce(true)
                        .setRegistrationTicket(ticket("clone-b", "tablet-b", fresh)).build());
        boolean killed = false;
        try {
            while (it.hasNext()) {
                DeployProgress p = it.next();
                if (p.getStep().startsWith("structure: creating the schemas")) {
                    sidecars.get("clone-b").kill();
                    killed = true;
                    break;
                }
            }
        } catch (StatusRuntimeException dropped) {
            // the stream breaks with the process
        }
        assertTrue(killed, "the deploy never reached its structure step");
        Thread.sleep(500);
        assertEquals(before, snapshot("clone-b"));
        sidecars.get("clone-b").restart(Map.of());
        // The edit is still there and still goes to central.
        sync("clone-b");
        assertEquals("unsynced on b", one("central", "SELECT owner FROM survey.parcel WHERE code = 'P-3'"));
        sync("clone-a");
        assertConverged();
    }

    @Test
    @Order(6)
    void anOfflineDeployRegistersWithCentralAtTheFirstSync() throws Exception {
        PackageInfo fresh = build(BuildPackageRequest.newBuilder().addSchemas("survey").build());
        Path zip = Files.createTempFile(IMPORT, "offline", ".zip");
        download(fresh.getPackageId(), zip);
        String ticket = ticket("clone-b", "tablet-b", fresh);
        sql("central", "UPDATE survey.parcel SET owner = 'while the device was offline' WHERE code = 'P-12'");
        central.kill();
        try {
            var offline = deploy("clone-b", DeployRequest.newBuilder().setZipPath(zip.toString()).setForce(true)
                    .setRegistrationTicket(ticket));
            assertEquals(1, offline.getStatus(), offline.getMessage());
            assertTrue(offline.getMessage().contains("registers at its first sync"), offline.getMessage());
            var status = CloneAgentGrpc.newBlockingStub(channel(sidecars.get("clone-b").port)).withCallCredentials(Mesh.ADMIN)
                    .getCloneStatus(GetCloneStatusRequest.getDefaultInstance());
            assertEquals(false, status.getRegistered());
            assertEquals(fresh.getPackageId(), status.getPackageId());
            var unreachable = assertThrows(StatusRuntimeException.class, () -> sync("clone-b"));
            assertEquals(Status.Code.UNAVAILABLE, unreachable.getStatus().getCode());
        } finally {
            central.restart(Map.of());
        }
        // The deploy's ticket (kept 0600 in the sidecar's state directory) registers the clone at its
        // first contact, whoever asks for the sync (here SQL on the clone): from the package's
        // position, then the change made meanwhile.
        assertEquals(1, Integer.parseInt(one("clone-b", "SELECT number_replayed_to_clone FROM lizsync.synchronize(60)")));
        assertEquals("while the device was offline", one("clone-b", "SELECT owner FROM survey.parcel WHERE code = 'P-12'"));
        assertTrue(CloneAgentGrpc.newBlockingStub(channel(sidecars.get("clone-b").port)).withCallCredentials(Mesh.ADMIN)
                .getCloneStatus(GetCloneStatusRequest.getDefaultInstance()).getRegistered());
        sync("clone-a");
        assertConverged();
    }

    @Test
    @Order(7)
    void aDeployWithoutItsTicketCannotSyncUntilDeployedWithOne() throws Exception {
        PackageInfo fresh = build(BuildPackageRequest.newBuilder().addSchemas("survey").build());
        // The exchange's package relay gives a package only to the holder of a ticket for it.
        var relay = io.lizsync.proto.sync.v1.PackageRelayGrpc.newBlockingStub(channel(central.port))
                .withDeadlineAfter(60, TimeUnit.SECONDS);
        var forFresh = io.lizsync.proto.sync.v1.RelayDownloadRequest.newBuilder().setPackageId(fresh.getPackageId());
        var none = assertThrows(StatusRuntimeException.class, () -> relay.downloadPackage(forFresh.build()).hasNext());
        assertEquals(Status.Code.UNAUTHENTICATED, none.getStatus().getCode(), none.getStatus().toString());
        String attachTicket = RegistryProcess.ticket(registry, "attach-only",
                List.<String[]>of(new String[] {"survey", "parcel"}));
        var attachOnly = assertThrows(StatusRuntimeException.class, () -> relay.downloadPackage(
                forFresh.setRegistrationTicket(attachTicket).build()).hasNext());
        assertEquals(Status.Code.PERMISSION_DENIED, attachOnly.getStatus().getCode(), attachOnly.getStatus().toString());
        var unknown = assertThrows(StatusRuntimeException.class, () -> relay.downloadPackage(
                forFresh.setRegistrationTicket("lzr_not-a-ticket").build()).hasNext());
        assertEquals(Status.Code.UNAUTHENTICATED, unknown.getStatus().getCode(), unknown.getStatus().toString());
        var bare = deploy("clone-b", DeployRequest.newBuilder().setPackageId(fresh.getPackageId()).setForce(true));
        assertEquals(1, bare.getStatus(), bare.getMessage());
        assertTrue(bare.getMessage().contains("without a registration ticket"), bare.getMessage());
        // Central still holds the clone's previous registration (its cursor of the older package):
        // syncing on it would be wrong, so nothing moves.
        var refused = assertThrows(StatusRuntimeException.class, () -> sync("clone-b"));
        assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode());
        assertTrue(refused.getStatus().getDescription().contains("without a registration ticket"),
                refused.getStatus().getDescription());
        // A ticket for another package: its download through the exchange is refused, nothing deployed.
        PackageInfo other = build(BuildPackageRequest.newBuilder().addSchemas("survey").build());
        String before = snapshot("clone-b");
        var wrong = assertThrows(StatusRuntimeException.class, () -> deploy("clone-b", DeployRequest.newBuilder()
                .setPackageId(fresh.getPackageId()).setForce(true)
                .setRegistrationTicket(ticket("clone-b", "tablet-b", other))));
        assertEquals(Status.Code.PERMISSION_DENIED, wrong.getStatus().getCode(), wrong.getStatus().toString());
        assertEquals(before, snapshot("clone-b"));
        // From the clone's disk the package deploys, but the other package's ticket does not register it.
        Path zip = Files.createTempFile(IMPORT, "fresh", ".zip");
        download(fresh.getPackageId(), zip);
        var unregistered = deploy("clone-b", DeployRequest.newBuilder().setZipPath(zip.toString()).setForce(true)
                .setRegistrationTicket(ticket("clone-b", "tablet-b", other)));
        assertTrue(unregistered.getMessage().contains("FAILED_PRECONDITION"), unregistered.getMessage());
        assertThrows(StatusRuntimeException.class, () -> sync("clone-b"));
        var ticketed = deploy("clone-b", DeployRequest.newBuilder().setPackageId(other.getPackageId()).setForce(true)
                .setRegistrationTicket(ticket("clone-b", "tablet-b", other)));
        assertTrue(ticketed.getMessage().contains("registered with central"), ticketed.getMessage());
        sync("clone-b");
        sync("clone-a");
        assertConverged();
    }

    /** An operator's ticket for deploying {@code p} on {@code clone}, registered as {@code name}. */
    static String ticket(String clone, String name, PackageInfo p) {
        return PackageProcesses.ticket(registry, channel(sidecars.get(clone).port), name, p);
    }

    // ------------------------------------------------------------------ helpers

    static PackageInfo build(BuildPackageRequest request) {
        Iterator<BuildPackageEvent> events = PackagingServiceGrpc.newBlockingStub(channel(packaging.port)).withCallCredentials(Mesh.ADMIN)
                .withDeadlineAfter(300, TimeUnit.SECONDS).buildPackage(request);
        PackageInfo info = null;
        int progress = 0;
        while (events.hasNext()) {
            BuildPackageEvent e = events.next();
            if (e.hasPackage()) {
                info = e.getPackage();
            } else {
                progress++;
            }
        }
        assertTrue(progress > 3, "progress events");
        return info;
    }

    static DeployProgress deploy(String clone, DeployRequest.Builder request) {
        Iterator<DeployProgress> it = CloneAgentGrpc.newBlockingStub(channel(sidecars.get(clone).port)).withCallCredentials(Mesh.ADMIN)
                .withDeadlineAfter(300, TimeUnit.SECONDS).deploy(request.build());
        DeployProgress last = null;
        while (it.hasNext()) {
            last = it.next();
        }
        assertTrue(last != null && last.getDone(), "a final deploy message");
        return last;
    }

    static void download(String id, Path to) throws Exception {
        var chunks = PackagingServiceGrpc.newBlockingStub(channel(packaging.port)).withCallCredentials(Mesh.ADMIN).withDeadlineAfter(60, TimeUnit.SECONDS)
                .downloadPackage(DownloadPackageRequest.newBuilder().setPackageId(id).build());
        try (OutputStream out = Files.newOutputStream(to)) {
            while (chunks.hasNext()) {
                chunks.next().getData().writeTo(out);
            }
        }
    }

    static SynchronizeResponse sync(String clone) {
        return CloneAgentGrpc.newBlockingStub(channel(sidecars.get(clone).port)).withCallCredentials(Mesh.ADMIN).withDeadlineAfter(120, TimeUnit.SECONDS)
                .synchronize(SynchronizeRequest.getDefaultInstance());
    }

    static CentralAdminGrpc.CentralAdminBlockingStub admin() {
        return CentralAdminGrpc.newBlockingStub(channel(central.port)).withCallCredentials(Mesh.ADMIN).withDeadlineAfter(120, TimeUnit.SECONDS);
    }

    static ManagedChannel channel(int port) {
        ManagedChannel ch = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                .maxInboundMessageSize(8 * 1024 * 1024).build();
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

    /** The clone's tables (by uid, without the local key), identity, cursor and local log. */
    static String snapshot(String clone) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (String t : TABLES) {
            sb.append(rows(clone, t)).append('#');
        }
        sb.append(one(clone, "SELECT string_agg(clone_id || ':' || last_tick_id || ':' || package_id, ',') FROM lizsync.clone_state"));
        sb.append(one(clone, "SELECT string_agg(event_id || ':' || coalesce(changed_fields::text, ''), ',') FROM audit.logged_actions"));
        return sb.toString();
    }

    static Map<String, String> rows(String node, String table) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = dbs.get(node).connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT uid::text, (hstore(r.*) - 'id'::text)::text FROM " + table
                        + " r ORDER BY uid")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    static void assertConverged() throws Exception {
        for (String t : TABLES) {
            Map<String, String> reference = rows("central", t);
            for (String clone : sidecars.keySet()) {
                assertEquals(reference, rows(clone, t), t + " on " + clone + " differs from central");
            }
        }
    }

    static PgCluster db(String name) {
        return dbs.get(name);
    }
}
