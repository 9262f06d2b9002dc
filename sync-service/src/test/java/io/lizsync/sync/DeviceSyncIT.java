package io.lizsync.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lizsync.proto.sync.v1.Area;
import io.lizsync.proto.sync.v1.CentralAdminGrpc;
import io.lizsync.proto.sync.v1.ConfirmRequest;
import io.lizsync.proto.sync.v1.DescribeLayerRequest;
import io.lizsync.proto.sync.v1.DeviceSyncGrpc;
import io.lizsync.proto.sync.v1.DownloadChunk;
import io.lizsync.proto.sync.v1.DownloadRequest;
import io.lizsync.proto.sync.v1.EditResult;
import io.lizsync.proto.sync.v1.ForgetDeviceRequest;
import io.lizsync.proto.sync.v1.InstallRequest;
import io.lizsync.proto.sync.v1.Layer;
import io.lizsync.proto.sync.v1.PrepareRequest;
import io.lizsync.proto.sync.v1.RowEdit;
import io.lizsync.proto.sync.v1.UploadRequest;
import io.lizsync.proto.sync.v1.UploadResponse;
import io.lizsync.sync.grpc.GrpcErrors;
import io.lizsync.testkit.TestKeys;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Devices' synchronisation on central (ADR 0020) over real gRPC, against a real PostgreSQL/PostGIS
 * central: the seed's devices A, B and C, areas of interest, lost answers, late commits, uploads
 * (idempotent, validated, in conflict with central's edits), structure changes and retention.
 */
@QuarkusTest
@QuarkusTestResource(value = CentralDatabaseResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeviceSyncIT {

    static final String A = "847bd592-0bc5-84d7-bf79-ae40fa544557";
    static final String B = "9d10aaab-84f9-87ca-e564-515e746fb2ba";
    static final String C = "3ee487d9-f909-634d-2455-0c8fbead6e4e";
    static final String D = "d0000000-0000-4000-8000-00000000000d";
    static final String E = "e0000000-0000-4000-8000-00000000000e";
    static final String F = "f0000000-0000-4000-8000-00000000000f";

    @ConfigProperty(name = "quarkus.grpc.clients.admin.port")
    int port;

    ManagedChannel channel;
    DeviceSyncGrpc.DeviceSyncBlockingStub field;
    String version;

    /** One answer of a download, every page and chunk of it. */
    record Answer(Map<String, String> rows, Map<String, String> versions, List<String> removed, boolean reset,
            String checkpoint, int pages) {
    }

    @BeforeAll
    void centralWithALayer() throws Exception {
        channel = io.grpc.ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        field = DeviceSyncGrpc.newBlockingStub(channel).withCallCredentials(TestKeys.get().as("walker", "field"));
        var admin = CentralAdminGrpc.newBlockingStub(channel).withCallCredentials(TestKeys.get().administrator());
        assertEquals(1, admin.install(InstallRequest.getDefaultInstance()).getStatus());
        sql("CREATE SCHEMA obs",
                "CREATE TABLE obs.observation (id serial PRIMARY KEY, indicator text NOT NULL, value numeric,"
                        + " seen date, geom geometry(Point, 2154))",
                "CREATE TABLE obs.zone (id serial PRIMARY KEY, name text, geom geometry(Polygon, 2154))",
                "CREATE TABLE obs.unsynced (id serial PRIMARY KEY, name text)");
        var prepared = admin.prepare(PrepareRequest.newBuilder().setAddServerId(true).setAddUidColumns(true)
                .setAddAuditTriggers(true).addSchemas("obs").build());
        assertEquals(1, prepared.getStatus(), prepared.getMessage());
        sql("DELETE FROM audit.logged_relations WHERE table_name = 'unsynced'");
    }

    @AfterAll
    void close() {
        channel.shutdownNow();
    }

    @Test
    @Order(1)
    void describesALayerAndRefusesATableThatIsNotSynchronised() {
        Layer layer = field.describeLayer(layerRequest("observation"));
        assertEquals("uid", layer.getUidColumn());
        assertEquals(List.of("id"), layer.getPrimaryKeyList());
        assertEquals("geom", layer.getGeometryColumn());
        assertEquals("POINT", layer.getGeometryType());
        assertEquals(2154, layer.getSrid());
        assertEquals(List.of("id", "indicator", "value", "seen", "geom", "uid"),
                layer.getColumnsList().stream().map(c -> c.getName()).toList());
        assertFalse(layer.getColumns(1).getNullable());
        assertTrue(layer.getColumns(0).getServerFilled());
        assertEquals("numeric", layer.getColumns(2).getType());
        version = layer.getStructureVersion();
        assertEquals(64, version.length());
        assertEquals(version, field.describeLayer(layerRequest("observation")).getStructureVersion(), "stable");
        var missing = assertThrows(StatusRuntimeException.class, () -> field.describeLayer(layerRequest("unsynced")));
        assertEquals(Status.Code.NOT_FOUND, missing.getStatus().getCode());
    }

    /** The seed's example: A holds an older version of observation 1, B the current one, C nothing. */
    @Test
    @Order(2)
    void theSeedsDevicesAbAndC() throws Exception {
        sql("INSERT INTO obs.observation (indicator, value, geom) VALUES ('pluviometry', 1, 'SRID=2154;POINT(100 100)'),"
                + " ('pluviometry', 2, 'SRID=2154;POINT(200 200)'), ('temperature', 3, 'SRID=2154;POINT(300 300)')");
        Answer a = download(A, null, 0);
        assertTrue(a.reset(), "a device without a position gets the whole layer");
        assertEquals(3, a.rows().size());
        confirm(A, a.checkpoint());
        String obs1 = uidWhere("value = 1");
        JsonObject row = new JsonObject(a.rows().get(obs1));
        assertEquals("pluviometry", row.getString("indicator"));
        assertEquals("Point", row.getJsonObject("geom").getString("type"), "geometry as GeoJSON");
        assertEquals(100.0, row.getJsonObject("geom").getJsonArray("coordinates").getDouble(0));

        sql("UPDATE obs.observation SET value = 10 WHERE value = 1");
        Answer b = download(B, null, 0);
        confirm(B, b.checkpoint());
        assertEquals("10", new JsonObject(b.rows().get(obs1)).getValue("value").toString());

        Answer aDelta = download(A, null, 0);
        assertFalse(aDelta.reset());
        assertEquals(Set.of(obs1), aDelta.rows().keySet(), "A has an older version of observation 1 only");
        assertNotEquals(a.versions().get(obs1), aDelta.versions().get(obs1), "a new version token");
        Answer bDelta = download(B, null, 0);
        assertTrue(bDelta.rows().isEmpty() && bDelta.removed().isEmpty(), "B is up to date");
        Answer c = download(C, null, 0);
        assertTrue(c.reset());
        assertEquals(3, c.rows().size(), "C never synced");
        Answer anyone = download("", null, 0);
        assertEquals(3, anyone.rows().size(), "no device id: everything");
        assertEquals("", anyone.checkpoint(), "no device, no position");
    }

    /** The answer lost on the way: nothing confirmed, the retry returns the same rows. */
    @Test
    @Order(3)
    void anUnconfirmedAnswerIsAnsweredAgain() throws Exception {
        String obs1 = uidWhere("value = 10");
        Answer first = download(A, null, 0);
        Answer retry = download(A, null, 0);
        assertEquals(Set.of(obs1), first.rows().keySet());
        assertEquals(first.rows(), retry.rows(), "the same rows again");
        // echoed on the next request: confirmed before that answer is computed
        Answer next = download(A, null, 0, retry.checkpoint(), "");
        assertTrue(next.rows().isEmpty(), "confirmed: nothing new");
        // an explicit confirmation of another device's checkpoint is refused
        var foreign = assertThrows(StatusRuntimeException.class, () -> confirm(B, next.checkpoint()));
        assertEquals(Status.Code.INVALID_ARGUMENT, foreign.getStatus().getCode());
    }

    /** A transaction that commits after a download that could not see it still reaches the device. */
    @Test
    @Order(4)
    void aLateCommitStillReachesTheDevice() throws Exception {
        confirm(B, download(B, null, 0).checkpoint());
        try (Connection late = CentralDatabaseResource.cluster.connect(); Statement st = late.createStatement()) {
            late.setAutoCommit(false);
            st.execute("INSERT INTO obs.observation (indicator, value) VALUES ('late', 40)");
            sql("INSERT INTO obs.observation (indicator, value) VALUES ('early', 41)");
            Answer meanwhile = download(B, null, 0);
            assertEquals(Set.of(uidWhere("value = 41")), meanwhile.rows().keySet());
            confirm(B, meanwhile.checkpoint());
            late.commit();
        }
        Answer after = download(B, null, 0);
        assertEquals(Set.of(uidWhere("value = 40")), after.rows().keySet(), "the late transaction's row");
        confirm(B, after.checkpoint());
        assertTrue(download(B, null, 0).rows().isEmpty());
    }

    /** Rows that move into the area arrive whole; rows deleted or moved out arrive as removals. */
    @Test
    @Order(5)
    void deletesAndMovesOutOfTheArea() throws Exception {
        Area near = Area.newBuilder().addBbox(0).addBbox(0).addBbox(250).addBbox(250).build();
        sql("INSERT INTO obs.observation (indicator, value, geom) VALUES ('zone', 50, 'SRID=2154;POINT(50 50)'),"
                + " ('zone', 51, 'SRID=2154;POINT(900 900)'), ('zone', 52, 'SRID=2154;POINT(60 60)')");
        Answer first = download(D, near, 0);
        assertTrue(first.reset());
        Set<String> inside = Set.of(uidWhere("value = 10"), uidWhere("value = 2"), uidWhere("value = 50"),
                uidWhere("value = 52"));
        assertEquals(inside, first.rows().keySet(), "only rows in the area");
        confirm(D, first.checkpoint());
        sql("UPDATE obs.observation SET geom = 'SRID=2154;POINT(800 800)' WHERE value = 50",
                "UPDATE obs.observation SET geom = 'SRID=2154;POINT(70 70)' WHERE value = 51",
                "DELETE FROM obs.observation WHERE value = 52",
                "UPDATE obs.observation SET indicator = 'far away' WHERE value = 3");
        Answer delta = download(D, near, 0);
        assertFalse(delta.reset());
        assertEquals(Set.of(uidWhere("value = 51")), delta.rows().keySet(), "moved into the area: whole");
        assertTrue(delta.removed().containsAll(List.of(uidWhere("value = 50"))), "moved out: removed");
        assertEquals(3, delta.removed().size(), "moved out, deleted, and the changed row outside: " + delta.removed());
        confirm(D, delta.checkpoint());
        // another area: the whole layer in it, flagged reset (the device replaces its copy)
        Answer wider = download(D, Area.newBuilder().setWkt("POLYGON((0 0, 1000 0, 1000 1000, 0 1000, 0 0))").build(), 0);
        assertTrue(wider.reset());
        assertTrue(wider.rows().containsKey(uidWhere("value = 50")));
        // a bad area is refused, and one in an SRID that is neither the layer's nor 4326
        var bad = assertThrows(StatusRuntimeException.class,
                () -> download(D, Area.newBuilder().setWkt("POLYGON((0 0, 1 1))").build(), 0));
        assertEquals(Status.Code.INVALID_ARGUMENT, bad.getStatus().getCode());
        var otherSrid = assertThrows(StatusRuntimeException.class,
                () -> download(D, near.toBuilder().setSrid(3857).build(), 0));
        assertEquals(Status.Code.INVALID_ARGUMENT, otherSrid.getStatus().getCode());
    }

    /** A large answer in pages, each ending with a continuation token, all for the same checkpoint. */
    @Test
    @Order(6)
    void pagesOfOneAnswer() throws Exception {
        sql("INSERT INTO obs.observation (indicator, value) SELECT 'bulk', g FROM generate_series(1000, 1024) g");
        Answer paged = download(E, null, 7);
        long total = count("SELECT count(*) FROM obs.observation");
        assertEquals(total, paged.rows().size(), "every row once");
        assertEquals((int) Math.ceil(total / 7.0), paged.pages());
        assertTrue(paged.reset());
    }

    @Test
    @Order(7)
    void uploadsCreateRowsOnceWhateverTheRetries() throws Exception {
        confirm(A, download(A, null, 0).checkpoint());
        String mine = "0c3e1f3a-1111-4a2b-8c3d-123456789abc";
        UploadRequest create = upload(A, "req-1",
                edit(RowEdit.Op.CREATE, mine, "{\"indicator\": \"pluviometry\", \"value\": 7.5, \"seen\": \"2026-12-07\","
                        + " \"geom\": {\"type\": \"Point\", \"coordinates\": [2.35, 48.85]}}", ""),
                edit(RowEdit.Op.CREATE, "", "{\"indicator\": \"wind\", \"geom\": \"POINT(500 500)\"}", ""));
        UploadResponse first = field.upload(create.toBuilder().setGeometrySrid(0).build());
        assertEquals(2, first.getResultsCount());
        for (EditResult r : first.getResultsList()) {
            assertEquals(EditResult.Outcome.APPLIED, r.getOutcome(), r.getMessage());
            assertTrue(new JsonObject(r.getServerIdJson()).getInteger("id") > 0);
            assertFalse(r.getVersion().isEmpty());
        }
        assertEquals(mine, first.getResults(0).getUid(), "a valid unused uid is kept");
        assertFalse(first.getImportId().isEmpty());
        assertFalse(first.getReplayed());
        UploadResponse retry = field.upload(create.toBuilder().setGeometrySrid(0).build());
        assertTrue(retry.getReplayed());
        assertEquals(first.getImportId(), retry.getImportId());
        assertEquals(first.getResultsList(), retry.getResultsList(), "the first answer");
        assertEquals(1, count("SELECT count(*) FROM obs.observation WHERE uid = '" + mine + "'"));
        assertEquals(1, count("SELECT count(*) FROM obs.observation WHERE indicator = 'wind'"), "created once");
        // in the log as a clone's edits are: the device as origin, the import as sync id
        assertEquals(2, count("SELECT count(*) FROM audit.logged_actions WHERE sync_data ->> 'origin' = '" + A
                + "' AND sync_data ->> 'sync_id' = '" + first.getImportId() + "' AND action = 'I'"));
        var reused = assertThrows(StatusRuntimeException.class, () -> field.upload(upload(A, "req-1",
                edit(RowEdit.Op.CREATE, "", "{\"indicator\": \"other\"}", ""))));
        assertEquals(Status.Code.INVALID_ARGUMENT, reused.getStatus().getCode());
        // in 4326, transformed to the layer's SRID
        var wgs = field.upload(upload(A, "req-2", edit(RowEdit.Op.CREATE, "",
                "{\"indicator\": \"paris\", \"geom\": {\"type\": \"Point\", \"coordinates\": [2.35, 48.85]}}", ""))
                .toBuilder().setGeometrySrid(4326).build());
        assertEquals(EditResult.Outcome.APPLIED, wgs.getResults(0).getOutcome());
        assertEquals(1, count("SELECT count(*) FROM obs.observation WHERE indicator = 'paris' AND ST_SRID(geom) = 2154"
                + " AND ST_X(geom) BETWEEN 652000 AND 653000"));
        // a used uid is refused, not replaced
        var used = field.upload(upload(A, "req-3", edit(RowEdit.Op.CREATE, mine, "{\"indicator\": \"again\"}", "")));
        assertEquals(EditResult.Outcome.REFUSED, used.getResults(0).getOutcome());
        // the device's own rows do not come back to it
        assertTrue(download(A, null, 0).rows().isEmpty());
    }

    @Test
    @Order(8)
    void invalidInputIsRefusedNamingTheField() throws Exception {
        long before = count("SELECT count(*) FROM obs.observation");
        assertInvalid("observation", 1, "colour", edit(RowEdit.Op.CREATE, "", "{\"indicator\": \"ok\"}", ""),
                edit(RowEdit.Op.CREATE, "", "{\"indicator\": \"x\", \"colour\": \"red\"}", ""));
        assertInvalid("observation", 0, "value", edit(RowEdit.Op.CREATE, "", "{\"indicator\": \"x\", \"value\": \"abc\"}", ""));
        assertInvalid("observation", 0, "seen", edit(RowEdit.Op.CREATE, "", "{\"indicator\": \"x\", \"seen\": \"2026-13-45\"}", ""));
        assertInvalid("observation", 0, "geom", edit(RowEdit.Op.CREATE, "", "{\"indicator\": \"x\", \"geom\": \"POINT(1)\"}", ""));
        assertInvalid("observation", 0, "geom",
                edit(RowEdit.Op.CREATE, "", "{\"indicator\": \"x\", \"geom\": \"LINESTRING(0 0, 1 1)\"}", ""));
        assertInvalid("observation", 0, "indicator", edit(RowEdit.Op.CREATE, "", "{\"value\": 1}", ""));
        assertInvalid("zone", 0, "geom", edit(RowEdit.Op.CREATE, "",
                "{\"name\": \"bowtie\", \"geom\": \"POLYGON((0 0, 10 10, 10 0, 0 10, 0 0))\"}", ""));
        assertEquals(before, count("SELECT count(*) FROM obs.observation"), "nothing written");
        // the request id of a refused upload is free again: nothing of it was kept
        var ok = field.upload(upload(A, "bad-0", edit(RowEdit.Op.CREATE, "", "{\"indicator\": \"fixed\"}", "")));
        assertEquals(EditResult.Outcome.APPLIED, ok.getResults(0).getOutcome());
    }

    /**
     * A device's update of a row a clone changed since the device's version: the clone rules, one
     * recorded decision in the conflicts inbox, the device as the other side.
     */
    @Test
    @Order(9)
    void anUploadInConflictWithCentralIsDecidedAndRecorded() throws Exception {
        Answer a = download(A, null, 0);
        confirm(A, a.checkpoint());
        String obs2 = uidWhere("value = 2");
        String base = field.upload(upload(A, "touch", edit(RowEdit.Op.UPDATE, obs2, "{\"seen\": \"2026-01-01\"}",
                versionOf(obs2)))).getResults(0).getVersion();
        // a clone's edit, as central's log holds it once pushed: written with the clone as origin
        sql("SET lizsync.origin = 'c1000000-0000-4000-8000-0000000000c1'",
                "UPDATE obs.observation SET indicator = 'clone edit' WHERE uid = '" + obs2 + "'");
        UploadResponse r = field.upload(upload(A, "conflict-1",
                edit(RowEdit.Op.UPDATE, obs2, "{\"indicator\": \"device edit\"}", base)));
        EditResult result = r.getResults(0);
        assertEquals(EditResult.Outcome.CONFLICT, result.getOutcome(), result.getMessage());
        assertEquals("last_edit_wins", result.getRule());
        assertEquals("device", result.getWinner(), "the device's edit is the later one central received");
        assertEquals("device edit", new JsonObject(result.getRowJson()).getString("indicator"));
        assertEquals(1, count("SELECT count(*) FROM lizsync.conflicts WHERE clone_id = '" + A + "' AND object_uid = '"
                + obs2 + "' AND field_name = 'indicator' AND winner = 'clone' AND central_value = '\"clone edit\"'"
                + " AND clone_value = '\"device edit\"'"), "one recorded decision, with both values");
        assertEquals(1, count("SELECT count(*) FROM lizsync.conflicts WHERE object_uid = '" + obs2 + "'"));
        // central wins by policy: central's value stays, the answer carries it
        sql("INSERT INTO lizsync.table_policies VALUES ('obs', 'observation', 'central_wins')",
                "UPDATE obs.observation SET indicator = 'central again' WHERE uid = '" + obs2 + "'");
        UploadResponse lost = field.upload(upload(A, "conflict-2",
                edit(RowEdit.Op.UPDATE, obs2, "{\"indicator\": \"device again\"}", result.getVersion())));
        assertEquals("central", lost.getResults(0).getWinner());
        assertEquals("central again", new JsonObject(lost.getResults(0).getRowJson()).getString("indicator"));
        sql("DELETE FROM lizsync.table_policies");
        // an edit on the current version is no conflict
        UploadResponse clean = field.upload(upload(A, "clean", edit(RowEdit.Op.DELETE, obs2, "",
                lost.getResults(0).getVersion())));
        assertEquals(EditResult.Outcome.APPLIED, clean.getResults(0).getOutcome());
        assertEquals(0, count("SELECT count(*) FROM obs.observation WHERE uid = '" + obs2 + "'"));
    }

    @Test
    @Order(10)
    void aStructureChangeIsSaidNotFailedOn() throws Exception {
        var stale = assertThrows(StatusRuntimeException.class, () -> field.download(DownloadRequest.newBuilder()
                .setDeviceId(B).setSchemaName("obs").setTableName("observation").setStructureVersion("0ld")
                .build()).hasNext());
        assertEquals(Status.Code.FAILED_PRECONDITION, stale.getStatus().getCode());
        assertTrue(stale.getStatus().getDescription().contains("obs.observation"), stale.getStatus().getDescription());
        confirm(B, download(B, null, 0).checkpoint());
        sql("ALTER TABLE obs.observation ADD COLUMN note text");
        String now = field.describeLayer(layerRequest("observation")).getStructureVersion();
        assertNotEquals(version, now);
        Answer again = download(B, null, 0, "", now);
        assertTrue(again.reset(), "a position of the older structure: the whole layer again");
        // Echoing checkpoints: central sends the delta's first read ahead with the SQL of the layer's last
        // description. A column dropped under it: that read fails, yet the device is told 409 as before,
        // then gets the whole layer, never an internal error.
        Answer echoed = download(B, null, 0, again.checkpoint(), now);
        assertFalse(echoed.reset());
        Answer ahead = download(B, null, 0, echoed.checkpoint(), now);
        assertFalse(ahead.reset());
        assertTrue(ahead.rows().isEmpty(), "nothing new");
        sql("ALTER TABLE obs.observation DROP COLUMN note");
        var dropped = assertThrows(StatusRuntimeException.class, () -> download(B, null, 0, ahead.checkpoint(), now));
        assertEquals(Status.Code.FAILED_PRECONDITION, dropped.getStatus().getCode(), dropped.getStatus().toString());
        String after = field.describeLayer(layerRequest("observation")).getStructureVersion();
        Answer whole = download(B, null, 0, ahead.checkpoint(), after);
        assertTrue(whole.reset(), "the position was of the older structure");
        assertEquals(count("SELECT count(*) FROM obs.observation"), whole.rows().size());
        assertFalse(download(B, null, 0, whole.checkpoint(), after).reset(), "then deltas again");
        version = after;
    }

    @Test
    @Order(11)
    void aPositionOlderThanTheRetentionIsToldToDownloadAgain() throws Exception {
        confirm(C, download(C, null, 0).checkpoint());
        sql("INSERT INTO obs.observation (indicator) VALUES ('after C')",
                "UPDATE lizsync.log_horizon SET pruned_below = pg_current_xact_id(), pruned_at = now()");
        var old = assertThrows(StatusRuntimeException.class, () -> download(C, null, 0));
        assertEquals(Status.Code.FAILED_PRECONDITION, old.getStatus().getCode());
        assertTrue(old.getStatus().getDescription().contains("download the layer again"));
        Answer whole = download(C, null, 0);
        assertTrue(whole.reset(), "then the whole layer");
        assertEquals(count("SELECT count(*) FROM obs.observation"), whole.rows().size());
    }

    @Test
    @Order(12)
    void forgettingADeviceDropsItsPositionsAndRolesAreChecked() throws Exception {
        var admin = DeviceSyncGrpc.newBlockingStub(channel).withCallCredentials(TestKeys.get().administrator());
        assertEquals(1, admin.forgetDevice(ForgetDeviceRequest.newBuilder().setDeviceId(D).build()).getPositionsDropped());
        assertEquals(0, admin.forgetDevice(ForgetDeviceRequest.newBuilder().setDeviceId(D).build()).getPositionsDropped());
        var notAdmin = assertThrows(StatusRuntimeException.class,
                () -> field.forgetDevice(ForgetDeviceRequest.newBuilder().setDeviceId(A).build()));
        assertEquals(Status.Code.PERMISSION_DENIED, notAdmin.getStatus().getCode());
        var anonymous = assertThrows(StatusRuntimeException.class, () -> DeviceSyncGrpc.newBlockingStub(channel)
                .describeLayer(layerRequest("observation")));
        assertEquals(Status.Code.UNAUTHENTICATED, anonymous.getStatus().getCode());
    }

    /**
     * A device that never confirmed a download of the layer (no position) edits a row from a
     * version that is not current: its edit meets central's last change of the row under the clone
     * rules, recorded once; its own last change is not central's side.
     */
    @Test
    @Order(13)
    void aDeviceWithoutAPositionMeetsCentralsLastChange() throws Exception {
        sql("INSERT INTO obs.observation (indicator, value) VALUES ('f row', 900)");
        String row = uidWhere("value = 900");
        String seen = versionOf(row);
        sql("SET lizsync.origin = 'c1000000-0000-4000-8000-0000000000c1'",
                "UPDATE obs.observation SET indicator = 'clone says' WHERE uid = '" + row + "'");
        EditResult r = field.upload(upload(F, "f-1", edit(RowEdit.Op.UPDATE, row, "{\"indicator\": \"device says\"}",
                seen))).getResults(0);
        assertEquals(EditResult.Outcome.CONFLICT, r.getOutcome(), r.getMessage());
        assertEquals("last_edit_wins", r.getRule());
        assertEquals("device", r.getWinner());
        assertEquals("device says", new JsonObject(r.getRowJson()).getString("indicator"));
        assertEquals(1, count("SELECT count(*) FROM lizsync.conflicts WHERE clone_id = '" + F + "' AND object_uid = '"
                + row + "' AND field_name = 'indicator' AND central_value = '\"clone says\"'"
                + " AND clone_value = '\"device says\"' AND winner = 'clone'"), "one recorded decision");
        // the device's own change is the row's last: an edit from the version before it is no conflict
        EditResult own = field.upload(upload(F, "f-2", edit(RowEdit.Op.UPDATE, row, "{\"value\": 901}", seen)))
                .getResults(0);
        assertEquals(EditResult.Outcome.APPLIED, own.getOutcome(), own.getMessage());
        // central wins by policy: central's last change stays
        sql("INSERT INTO lizsync.table_policies VALUES ('obs', 'observation', 'central_wins')",
                "UPDATE obs.observation SET indicator = 'central says' WHERE uid = '" + row + "'");
        EditResult lost = field.upload(upload(F, "f-3", edit(RowEdit.Op.UPDATE, row,
                "{\"indicator\": \"device again\"}", own.getVersion()))).getResults(0);
        sql("DELETE FROM lizsync.table_policies");
        assertEquals(EditResult.Outcome.CONFLICT, lost.getOutcome(), lost.getMessage());
        assertEquals("central", lost.getWinner());
        assertEquals("central says", new JsonObject(lost.getRowJson()).getString("indicator"));
        // from the current version: applied, nothing recorded
        long decisions = count("SELECT count(*) FROM lizsync.conflicts WHERE clone_id = '" + F + "'");
        EditResult clean = field.upload(upload(F, "f-4", edit(RowEdit.Op.DELETE, row, "", lost.getVersion())))
                .getResults(0);
        assertEquals(EditResult.Outcome.APPLIED, clean.getOutcome(), clean.getMessage());
        assertEquals(decisions, count("SELECT count(*) FROM lizsync.conflicts WHERE clone_id = '" + F + "'"));
        assertEquals(0, count("SELECT count(*) FROM obs.observation WHERE uid = '" + row + "'"));
    }

    /**
     * Uploads' answers are kept for the retention (lizsync.sync.device-uploads.retention, 168 h),
     * then pruned by an upload: the request id is a new upload again.
     */
    @Test
    @Order(14)
    void answersPastTheRetentionArePruned() throws Exception {
        sql("INSERT INTO lizsync.device_uploads (device_id, request_id, import_id, request_hash, answer, received_at)"
                + " VALUES ('" + F + "', 'eight days', gen_random_uuid(), 'x', NULL, now() - interval '8 days'),"
                + " ('" + F + "', 'six days', gen_random_uuid(), 'x', NULL, now() - interval '6 days')");
        var fresh = field.upload(upload(A, "after-retention", edit(RowEdit.Op.CREATE, "", "{\"indicator\": \"late\"}",
                "")));
        assertEquals(EditResult.Outcome.APPLIED, fresh.getResults(0).getOutcome());
        assertEquals(0, count("SELECT count(*) FROM lizsync.device_uploads WHERE request_id = 'eight days'"), "pruned");
        assertEquals(1, count("SELECT count(*) FROM lizsync.device_uploads WHERE request_id = 'six days'"), "kept");
        var again = field.upload(upload(F, "eight days", edit(RowEdit.Op.CREATE, "", "{\"indicator\": \"new\"}", "")));
        assertFalse(again.getReplayed(), "a key past the retention is a new upload");
        assertEquals(EditResult.Outcome.APPLIED, again.getResults(0).getOutcome());
    }

    /**
     * Central assumes a layer's shape last seen (its description rides with the upload's first
     * statements) and checks it: a changed layer makes it upload again with the shape just read,
     * both when the assumed shape would refuse and when it would accept what the layer now refuses.
     */
    @Test
    @Order(15)
    void anUploadAfterTheLayerChangedUsesTheLayerAsItIsNow() throws Exception {
        var known = field.upload(upload(A, "shape-1", edit(RowEdit.Op.CREATE, "", "{\"indicator\": \"shape\"}", "")));
        assertEquals(EditResult.Outcome.APPLIED, known.getResults(0).getOutcome());
        sql("ALTER TABLE obs.observation ADD COLUMN depth numeric");
        var added = field.upload(upload(A, "shape-2", edit(RowEdit.Op.CREATE, "",
                "{\"indicator\": \"deep\", \"depth\": 3.5}", "")));
        assertEquals(EditResult.Outcome.APPLIED, added.getResults(0).getOutcome(), added.getResults(0).getMessage());
        assertEquals("3.5", string("SELECT depth::text FROM obs.observation WHERE indicator = 'deep'"));
        long before = count("SELECT count(*) FROM obs.observation");
        // the assumed shape (depth numeric) accepts text the layer (depth integer) now refuses
        sql("ALTER TABLE obs.observation ALTER COLUMN depth TYPE integer USING depth::integer");
        assertRefused("shape-bad-1", "depth", edit(RowEdit.Op.CREATE, "", "{\"indicator\": \"x\", \"depth\": 2.5}", ""));
        sql("ALTER TABLE obs.observation DROP COLUMN depth");
        assertRefused("shape-bad-2", "depth", edit(RowEdit.Op.CREATE, "", "{\"indicator\": \"x\", \"depth\": 1}", ""));
        assertEquals(before, count("SELECT count(*) FROM obs.observation"), "nothing written");
        // the refused upload's key is free again: no attempt of it was kept
        var after = field.upload(upload(A, "shape-bad-1", edit(RowEdit.Op.CREATE, "", "{\"indicator\": \"after\"}", "")));
        assertFalse(after.getReplayed());
        assertEquals(EditResult.Outcome.APPLIED, after.getResults(0).getOutcome());
    }

    /**
     * A create whose uid a concurrent transaction takes and commits while the upload waits on it:
     * the upload is made again and that edit refused ("uid already used"), not failed with an
     * internal error; the same for two uploads sharing an Idempotency-Key (the second gets the
     * first's answer).
     */
    @Test
    @Order(16)
    void anUploadThatLosesARaceIsMadeAgain() throws Exception {
        String taken = "0c3e1f3a-3333-4a2b-8c3d-123456789abc";
        var pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (Connection other = CentralDatabaseResource.cluster.connect(); Statement st = other.createStatement()) {
            other.setAutoCommit(false);
            st.execute("INSERT INTO obs.observation (indicator, uid) VALUES ('first', '" + taken + "')");
            var racing = pool.submit(() -> field.upload(upload(A, "race-1",
                    edit(RowEdit.Op.CREATE, taken, "{\"indicator\": \"second\"}", ""),
                    edit(RowEdit.Op.CREATE, "", "{\"indicator\": \"beside\"}", ""))));
            // the upload's INSERT now waits on the uncommitted row's uid
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    + " AND query LIKE '%INSERT%'") == 0) {
                assertTrue(System.nanoTime() < deadline, "the upload never waited on the concurrent row");
                Thread.sleep(20);
            }
            other.commit();
            UploadResponse answer = racing.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(EditResult.Outcome.REFUSED, answer.getResults(0).getOutcome(), answer.getResults(0).getMessage());
            assertTrue(answer.getResults(0).getMessage().contains("already used"), answer.getResults(0).getMessage());
            assertEquals(EditResult.Outcome.APPLIED, answer.getResults(1).getOutcome(), answer.getResults(1).getMessage());
        } finally {
            pool.shutdownNow();
        }
        assertEquals("first", string("SELECT indicator FROM obs.observation WHERE uid = '" + taken + "'"));
        assertEquals(1, count("SELECT count(*) FROM obs.observation WHERE indicator = 'beside'"), "applied once");
        assertEquals(0, count("SELECT count(*) FROM obs.observation WHERE indicator = 'second'"));
    }

    // --- helpers ---

    private void assertRefused(String requestId, String fieldName, RowEdit edit) {
        var e = assertThrows(StatusRuntimeException.class, () -> field.upload(upload(A, requestId, edit)));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().getDescription());
        assertEquals(fieldName, e.getTrailers().get(GrpcErrors.INVALID_FIELD), e.getStatus().getDescription());
    }

    private void assertInvalid(String table, int row, String fieldName, RowEdit... edits) {
        var e = assertThrows(StatusRuntimeException.class, () -> field.upload(upload(A, "bad-" + row, edits).toBuilder()
                .setTableName(table).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().getDescription());
        assertTrue(e.getStatus().getDescription().contains("\"" + fieldName + "\""), e.getStatus().getDescription());
        assertEquals(fieldName, e.getTrailers().get(GrpcErrors.INVALID_FIELD));
        assertEquals(String.valueOf(row), e.getTrailers().get(GrpcErrors.INVALID_ROW));
    }

    private Answer download(String device, Area area, int pageSize) {
        return download(device, area, pageSize, "", "");
    }

    private Answer download(String device, Area area, int pageSize, String confirm, String structure) {
        Map<String, String> rows = new HashMap<>();
        Map<String, String> versions = new HashMap<>();
        List<String> removed = new ArrayList<>();
        Set<String> checkpoints = new LinkedHashSet<>();
        boolean reset = false;
        String continuation = "";
        int pages = 0;
        do {
            var request = DownloadRequest.newBuilder().setDeviceId(device).setSchemaName("obs")
                    .setTableName("observation").setPageSize(pageSize).setContinuationToken(continuation)
                    .setConfirmCheckpoint(pages == 0 ? confirm : "").setStructureVersion(structure);
            if (area != null) {
                request.setArea(area);
            }
            var it = field.download(request.build());
            DownloadChunk last = null;
            while (it.hasNext()) {
                DownloadChunk chunk = it.next();
                chunk.getRowsList().forEach(r -> {
                    assertTrue(rows.put(r.getUid(), r.getRowJson()) == null, "a row once per answer");
                    versions.put(r.getUid(), r.getVersion());
                });
                removed.addAll(chunk.getRemovedUidsList());
                last = chunk;
            }
            assertTrue(last != null && last.getLast(), "an answer ends with its last chunk");
            reset = last.getReset();
            checkpoints.add(last.getCheckpoint());
            continuation = last.getContinuationToken();
            pages++;
        } while (!continuation.isEmpty());
        assertEquals(1, checkpoints.size(), "one checkpoint for every page of an answer");
        return new Answer(rows, versions, removed, reset, checkpoints.iterator().next(), pages);
    }

    private void confirm(String device, String checkpoint) {
        field.confirm(ConfirmRequest.newBuilder().setDeviceId(device).setCheckpoint(checkpoint).build());
    }

    private static UploadRequest upload(String device, String requestId, RowEdit... edits) {
        return UploadRequest.newBuilder().setDeviceId(device).setSchemaName("obs").setTableName("observation")
                .setRequestId(requestId).addAllEdits(List.of(edits)).build();
    }

    private static RowEdit edit(RowEdit.Op op, String uid, String values, String base) {
        return RowEdit.newBuilder().setOp(op).setUid(uid).setValuesJson(values).setBaseVersion(base).build();
    }

    private static DescribeLayerRequest layerRequest(String table) {
        return DescribeLayerRequest.newBuilder().setSchemaName("obs").setTableName(table).build();
    }

    private static String versionOf(String uid) throws Exception {
        return string("SELECT md5(CAST(t AS text)) FROM obs.observation t WHERE uid = '" + uid + "'");
    }

    private static String uidWhere(String condition) throws Exception {
        return string("SELECT uid::text FROM obs.observation WHERE " + condition);
    }

    private static String string(String query) throws Exception {
        try (Connection c = CentralDatabaseResource.cluster.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(query)) {
            assertTrue(rs.next(), query);
            return rs.getString(1);
        }
    }

    private static long count(String query) throws Exception {
        return Long.parseLong(string(query));
    }

    private static void sql(String... statements) throws Exception {
        try (Connection c = CentralDatabaseResource.cluster.connect(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }
}
