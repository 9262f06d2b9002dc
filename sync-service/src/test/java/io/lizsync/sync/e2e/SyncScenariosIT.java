package io.lizsync.sync.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lizsync.proto.sync.v1.SynchronizeResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The classic two-way scenarios on a real mesh: central + two clones on three PostgreSQL servers,
 * a central sync-service and two sidecars as separate processes. After each scenario every node
 * holds the same rows, compared by uid.
 */
class SyncScenariosIT {

    static final String DDL = """
            CREATE SCHEMA field;
            CREATE TABLE field.parcel (
                id serial PRIMARY KEY, uid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
                code text, owner text, area numeric(12, 2), surveyed date, geom geometry(Polygon, 2154));
            CREATE TABLE field.note (
                id serial PRIMARY KEY, uid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
                parcel_uid uuid REFERENCES field.parcel (uid) ON DELETE CASCADE, body text);
            CREATE TABLE field.sample (
                id serial PRIMARY KEY, uid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
                t text, n numeric, ts timestamptz, d date, j json, jb jsonb, arr text[], iarr integer[],
                b bytea, flag boolean, f8 double precision, g geometry(Geometry, 4326));
            CREATE TABLE field."Relevé ""terrain""; DROP TABLE field.parcel --" (
                "ID" serial PRIMARY KEY, uid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
                "Nom d'usage" text, "select" integer, "Géométrie" geometry(Point, 2154), "日本語" text);
            """;

    static final String HOSTILE = "field.\"Relevé \"\"terrain\"\"; DROP TABLE field.parcel --\"";

    static Mesh mesh;

    @BeforeAll
    static void start() throws Exception {
        mesh = Mesh.start(DDL, "field",
                List.of(new String[] {"field", "parcel"}, new String[] {"field", "note"}, new String[] {"field", "sample"},
                        new String[] {"field", "Relevé \"terrain\"; DROP TABLE field.parcel --"}),
                "clone-a", "clone-b");
    }

    @AfterAll
    static void stop() {
        if (mesh != null) {
            mesh.close();
        }
    }

    private static void syncAll() {
        mesh.sync("clone-a");
        mesh.sync("clone-b");
        mesh.sync("clone-a");
        mesh.sync("clone-b");
    }

    /** The conflict recorded on central for the owner of parcel {@code code}: winner|central value|clone value|rule. */
    private static String ownerConflict(String code) throws Exception {
        return mesh.one("central", """
                SELECT winner || '|' || central_value::text || '|' || clone_value::text || '|' || rule_applied
                FROM lizsync.conflicts c JOIN field.parcel p ON p.uid = c.object_uid
                WHERE p.code = '""" + code + "' AND c.field_name = 'owner'");
    }

    private static String parcel(String node, String code, String column) throws Exception {
        return mesh.one(node, "SELECT " + column + "::text FROM field.parcel WHERE code = '" + code + "'");
    }

    @Test
    void centralEditsReachEveryCloneAndCloneEditsReachCentralAndTheOtherClone() throws Exception {
        mesh.sql("central", "INSERT INTO field.parcel (code, owner, area, geom) VALUES ('C-1', 'Commune', 12.5, "
                + "ST_MakeEnvelope(0, 0, 10, 10, 2154))");
        SynchronizeResponse first = mesh.sync("clone-a");
        assertEquals(1, first.getStatus());
        assertEquals(1, first.getNumberReplayedToClone());
        assertEquals("Commune", parcel("clone-a", "C-1", "owner"));

        mesh.sql("clone-a", "UPDATE field.parcel SET owner = 'GAEC' WHERE code = 'C-1'");
        SynchronizeResponse second = mesh.sync("clone-a");
        assertEquals(1, second.getNumberReplayedToCentral());
        assertEquals(0, second.getNumberReplayedToClone(), "no echo: the clone's own change does not come back");
        assertEquals("GAEC", parcel("central", "C-1", "owner"));

        mesh.sync("clone-b");
        assertEquals("GAEC", parcel("clone-b", "C-1", "owner"), "a second clone's first sync gets everything");
        assertEquals(0, mesh.sync("clone-a").getNumberReplayedToClone());
        mesh.assertConverged();
        assertEquals("0", mesh.one("clone-a", "SELECT count(*) FROM audit.logged_actions"),
                "a confirmed push leaves the clone log");
    }

    @Test
    void differentFieldsOfOneRowEditedOnTwoNodesBothSurvive() throws Exception {
        mesh.sql("central", "INSERT INTO field.parcel (code, owner, area) VALUES ('F-1', 'x', 1)");
        syncAll();
        mesh.sql("central", "UPDATE field.parcel SET area = 99.5 WHERE code = 'F-1'");
        mesh.sql("clone-a", "UPDATE field.parcel SET owner = 'from clone a' WHERE code = 'F-1'");
        mesh.sql("clone-b", "UPDATE field.parcel SET surveyed = DATE '2026-07-14' WHERE code = 'F-1'");
        SynchronizeResponse r = mesh.sync("clone-a");
        assertEquals(0, r.getNumberConflicts());
        syncAll();
        assertEquals("99.50", parcel("clone-b", "F-1", "area"));
        assertEquals("from clone a", parcel("clone-b", "F-1", "owner"));
        assertEquals("2026-07-14", parcel("clone-a", "F-1", "surveyed"));
        mesh.assertConverged();
    }

    @Test
    void sameFieldLastEditWinsBothWaysAndTheDecisionIsRecorded() throws Exception {
        mesh.sql("central", "INSERT INTO field.parcel (code, owner) VALUES ('L-1', 'start'), ('L-2', 'start')");
        syncAll();
        // L-1: central edits first, the clone later: the clone wins.
        mesh.sql("central", "UPDATE field.parcel SET owner = 'central early' WHERE code = 'L-1'");
        Thread.sleep(100);
        mesh.sql("clone-a", "UPDATE field.parcel SET owner = 'clone late' WHERE code = 'L-1'");
        // L-2: the clone edits first, central later: central wins.
        mesh.sql("clone-a", "UPDATE field.parcel SET owner = 'clone early' WHERE code = 'L-2'");
        Thread.sleep(100);
        mesh.sql("central", "UPDATE field.parcel SET owner = 'central late' WHERE code = 'L-2'");
        SynchronizeResponse r = mesh.sync("clone-a");
        assertEquals(2, r.getNumberConflicts());
        syncAll();
        assertEquals("clone late", parcel("clone-b", "L-1", "owner"));
        assertEquals("central late", parcel("clone-a", "L-2", "owner"));
        mesh.assertConverged();
        assertEquals("clone|\"central early\"|\"clone late\"|last_edit_wins", ownerConflict("L-1"));
        assertEquals("central|\"central late\"|\"clone early\"|last_edit_wins", ownerConflict("L-2"));
    }

    @Test
    void threeNodesEditingOneFieldConverge() throws Exception {
        mesh.sql("central", "INSERT INTO field.parcel (code, owner) VALUES ('T-1', 'start')");
        syncAll();
        mesh.sql("clone-b", "UPDATE field.parcel SET owner = 'b' WHERE code = 'T-1'");
        Thread.sleep(100);
        mesh.sql("central", "UPDATE field.parcel SET owner = 'central' WHERE code = 'T-1'");
        Thread.sleep(100);
        mesh.sql("clone-a", "UPDATE field.parcel SET owner = 'a' WHERE code = 'T-1'");
        mesh.sync("clone-b");
        mesh.sync("clone-a");
        syncAll();
        assertEquals("a", parcel("central", "T-1", "owner"), "the last edit (clone a) wins");
        mesh.assertConverged();
    }

    @Test
    void insertsAndDeletesOnBothSidesWithForeignKeysOnUid() throws Exception {
        mesh.sql("clone-a", "INSERT INTO field.parcel (code, owner) VALUES ('K-1', 'parent from a')",
                "INSERT INTO field.note (parcel_uid, body) SELECT uid, 'child from a' FROM field.parcel WHERE code = 'K-1'");
        mesh.sql("central", "INSERT INTO field.parcel (code, owner) VALUES ('K-2', 'parent from central')",
                "INSERT INTO field.note (parcel_uid, body) SELECT uid, 'child from central' FROM field.parcel WHERE code = 'K-2'");
        syncAll();
        assertEquals("child from a", mesh.one("clone-b", "SELECT n.body FROM field.note n JOIN field.parcel p "
                + "ON p.uid = n.parcel_uid WHERE p.code = 'K-1'"));
        mesh.assertConverged();
        mesh.sql("clone-b", "DELETE FROM field.note WHERE body = 'child from central'",
                "DELETE FROM field.parcel WHERE code = 'K-2'");
        mesh.sql("central", "DELETE FROM field.parcel WHERE code = 'K-1'");
        syncAll();
        assertNull(parcel("clone-a", "K-2", "code"));
        assertNull(parcel("clone-b", "K-1", "code"));
        assertEquals("0", mesh.one("clone-a", "SELECT count(*) FROM field.note WHERE body LIKE 'child from%'"));
        mesh.assertConverged();
    }

    @Test
    void updateAgainstDeleteIsAConflictAndALaterUpdateRestoresTheRow() throws Exception {
        mesh.sql("central", "INSERT INTO field.parcel (code, owner, area) VALUES ('D-1', 'x', 5), ('D-2', 'y', 6)");
        syncAll();
        mesh.sql("central", "DELETE FROM field.parcel WHERE code = 'D-1'");
        Thread.sleep(100);
        mesh.sql("clone-a", "UPDATE field.parcel SET owner = 'edited after the delete' WHERE code = 'D-1'");
        // D-2: the clone deletes, central updates later: the update wins and the clone gets the row back.
        mesh.sql("clone-a", "DELETE FROM field.parcel WHERE code = 'D-2'");
        Thread.sleep(100);
        mesh.sql("central", "UPDATE field.parcel SET owner = 'kept by central' WHERE code = 'D-2'");
        SynchronizeResponse r = mesh.sync("clone-a");
        assertEquals(2, r.getNumberConflicts());
        syncAll();
        assertEquals("edited after the delete", parcel("central", "D-1", "owner"));
        assertEquals("5.00", parcel("clone-b", "D-1", "area"), "the restored row keeps its other fields");
        assertEquals("kept by central", parcel("clone-a", "D-2", "owner"));
        mesh.assertConverged();
    }

    @Test
    void aLateCommittingTransactionOnCentralStillArrives() throws Exception {
        mesh.sql("central", "INSERT INTO field.parcel (code, owner) VALUES ('X-1', 'before'), ('X-2', 'before')");
        syncAll();
        try (Connection late = mesh.db("central").connect(); Statement st = late.createStatement()) {
            late.setAutoCommit(false);
            // This transaction gets its event id first and commits after the sync below.
            st.execute("UPDATE field.parcel SET owner = 'late' WHERE code = 'X-1'");
            mesh.sql("central", "UPDATE field.parcel SET owner = 'early' WHERE code = 'X-2'");
            mesh.sync("clone-a");
            assertEquals("early", parcel("clone-a", "X-2", "owner"));
            assertEquals("before", parcel("clone-a", "X-1", "owner"));
            late.commit();
        }
        mesh.sync("clone-a");
        assertEquals("late", parcel("clone-a", "X-1", "owner"), "LizSync would lose this change");
        syncAll();
        mesh.assertConverged();
    }

    @Test
    void aLateCentralTransactionStillArrivesAfterASessionThatOnlyPushed() throws Exception {
        mesh.sql("central", "INSERT INTO field.parcel (code, owner) VALUES ('Z-1', 'before'), ('Z-2', 'before')");
        syncAll();
        try (Connection late = mesh.db("central").connect(); Statement st = late.createStatement()) {
            late.setAutoCommit(false);
            st.execute("UPDATE field.parcel SET owner = 'late central' WHERE code = 'Z-1'");
            mesh.sql("clone-a", "UPDATE field.parcel SET owner = 'from a' WHERE code = 'Z-2'");
            var pushOnly = mesh.sync("clone-a");
            assertEquals(1, pushOnly.getNumberReplayedToCentral());
            assertEquals(0, pushOnly.getNumberReplayedToClone());
            // The push completed the session and moved the clone's cursor past its own change,
            // not past the transaction still open on central.
            assertEquals("before", parcel("clone-a", "Z-1", "owner"));
            late.commit();
        }
        var next = mesh.sync("clone-a");
        assertEquals(1, next.getNumberReplayedToClone(), "only the late change arrives, not clone-a's own edit");
        assertEquals("late central", parcel("clone-a", "Z-1", "owner"), "LizSync would lose this change");
        assertEquals("from a", parcel("central", "Z-2", "owner"));
        syncAll();
        mesh.assertConverged();
    }

    @Test
    void aCentralEditCommittedWhileAPushWaitsForItsRowIsAConflictNotOverwritten() throws Exception {
        mesh.sql("central", "INSERT INTO field.parcel (code, owner) VALUES ('R-1', 'before')");
        syncAll();
        mesh.sql("clone-a", "UPDATE field.parcel SET owner = 'from a, earlier' WHERE code = 'R-1'");
        Thread.sleep(100);
        SynchronizeResponse pushed;
        try (Connection other = mesh.db("central").connect(); Statement st = other.createStatement()) {
            other.setAutoCommit(false);
            // The later edit in real time, still uncommitted when the push reaches the row.
            st.execute("UPDATE field.parcel SET owner = 'central, later' WHERE code = 'R-1'");
            var sync = java.util.concurrent.CompletableFuture.supplyAsync(() -> mesh.sync("clone-a"));
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!"1".equals(mesh.one("central", "SELECT count(*)::text FROM pg_stat_activity WHERE "
                    + "wait_event_type = 'Lock' AND backend_type = 'client backend' AND datname = current_database()"))) {
                assertTrue(System.nanoTime() < deadline && !sync.isDone(), "the push never waited on the row central edits");
                Thread.sleep(20);
            }
            other.commit();
            pushed = sync.get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertEquals(1, pushed.getNumberConflicts(), "the edit committed while the push waited is a conflict");
        syncAll();
        mesh.assertConverged();
        assertEquals("central, later", parcel("clone-a", "R-1", "owner"), "the later edit wins everywhere");
        assertEquals("central|\"central, later\"|\"from a, earlier\"|last_edit_wins", ownerConflict("R-1"));
    }

    @Test
    void aConflictIsFoundAmongMoreCentralTransactionsThanThePushLists() throws Exception {
        int many = io.lizsync.sync.central.exchange.service.PendingScope.MAX_LISTED + 100;
        mesh.sql("central", "INSERT INTO field.parcel (code, owner) SELECT 'LM-' || i, 'before' FROM generate_series(1, "
                + many + ") i");
        syncAll();
        mesh.sql("clone-a", "UPDATE field.parcel SET owner = 'from a, earlier' WHERE code = 'LM-7'");
        Thread.sleep(100);
        try (Connection c = mesh.db("central").connect(); Statement st = c.createStatement()) {
            // One transaction per row: more than the push's open look lists, so its read falls back to a range.
            for (int i = many; i >= 1; i--) {
                st.execute("UPDATE field.parcel SET owner = 'central " + i + "' WHERE code = 'LM-" + i + "'");
            }
        }
        SynchronizeResponse r = mesh.sync("clone-a");
        assertEquals(1, r.getNumberConflicts(), "central's later edit of LM-7 is found");
        syncAll();
        mesh.assertConverged();
        assertEquals("central 7", parcel("clone-a", "LM-7", "owner"));
    }

    @Test
    void anIdleSyncEndsAtHelloAndLeavesNoTickNorHistory() throws Exception {
        syncAll();
        String cloneId = mesh.one("clone-a", "SELECT server_id::text FROM lizsync.server_metadata");
        String ticks = mesh.one("central", "SELECT count(*) FROM lizsync.ticks");
        String items = mesh.one("central", "SELECT count(*) FROM lizsync.history");
        String before = mesh.one("central", "SELECT last_sync::text FROM lizsync.clone_state WHERE clone_id = '"
                + cloneId + "'");
        var idle = mesh.sync("clone-a");
        assertEquals(1, idle.getStatus());
        assertEquals(0, idle.getNumberReplayedToCentral() + idle.getNumberReplayedToClone() + idle.getNumberConflicts());
        assertEquals(ticks, mesh.one("central", "SELECT count(*) FROM lizsync.ticks"), "an idle sync takes no tick");
        assertEquals(items, mesh.one("central", "SELECT count(*) FROM lizsync.history"), "nor writes a history item");
        assertEquals("t", mesh.one("central", "SELECT last_sync > '" + before + "'::timestamptz AND session_id IS NULL "
                + "FROM lizsync.clone_state WHERE clone_id = '" + cloneId + "'"), "but it is recorded as the last sync");
        // Something waiting on central is not missed by the short path.
        mesh.sql("central", "INSERT INTO field.parcel (code, owner) VALUES ('I-1', 'after idle')");
        assertEquals(1, mesh.sync("clone-a").getNumberReplayedToClone());
        assertEquals("after idle", parcel("clone-a", "I-1", "owner"));
        syncAll();
        mesh.assertConverged();
    }

    @Test
    void aLateCommittingTransactionOnACloneStillArrives() throws Exception {
        mesh.sql("central", "INSERT INTO field.parcel (code, owner) VALUES ('Y-1', 'before')");
        syncAll();
        try (Connection late = mesh.db("clone-b").connect(); Statement st = late.createStatement()) {
            late.setAutoCommit(false);
            st.execute("UPDATE field.parcel SET owner = 'late on b' WHERE code = 'Y-1'");
            // Committed after the late transaction took its id: the push snapshot must carry this
            // one and leave the other, whatever the order of their transaction ids.
            mesh.sql("clone-b", "INSERT INTO field.parcel (code, owner) VALUES ('Y-2', 'committed on b')");
            assertEquals(1, mesh.sync("clone-b").getNumberReplayedToCentral());
            assertEquals("committed on b", parcel("central", "Y-2", "owner"));
            assertEquals("before", parcel("central", "Y-1", "owner"));
            late.commit();
        }
        assertEquals(1, mesh.sync("clone-b").getNumberReplayedToCentral(), "the late edit left the log only now");
        assertEquals("late on b", parcel("central", "Y-1", "owner"));
        syncAll();
        mesh.assertConverged();
    }

    @Test
    void everyTypeRoundTripsExactly() throws Exception {
        mesh.sql("clone-a", """
                INSERT INTO field.sample (t, n, ts, d, j, jb, arr, iarr, b, flag, f8, g) VALUES
                  (E'quote '' "double" \\\\ back\\nnew line, ünïcödé ✓', 12345678901234567890.123456789,
                   '2026-03-01 12:34:56.789012+05:30', '1999-12-31', '{"a": [1, 2.50, "x"]}', '{"k": {"n": null}}',
                   ARRAY['a,b', 'NULL', NULL, '"q"'], ARRAY[1, NULL, 3], '\\x00ff10', true, 0.1,
                   ST_Buffer(ST_SetSRID(ST_MakePoint(2.123456789012, 48.987654321098), 4326), 0.01, 200)),
                  (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, false, 'NaN', NULL)""");
        assertTrue(Integer.parseInt(mesh.one("clone-a", "SELECT max(ST_MemSize(g)) FROM field.sample")) > 8192,
                "a geometry larger than 8 kB (TOASTed)");
        syncAll();
        mesh.assertConverged();
        assertEquals("t", mesh.one("central", """
                SELECT bool_and(ST_Equals(c.g, c.g)) AND count(*) = 2 FROM field.sample c"""));
    }

    @Test
    void aStructureDifferenceIsRefusedNamingTheTable() throws Exception {
        mesh.sql("clone-b", "ALTER TABLE field.note ADD COLUMN extra text");
        try {
            mesh.sql("clone-b", "INSERT INTO field.parcel (code) VALUES ('S-1')");
            var e = assertThrows(StatusRuntimeException.class, () -> mesh.sync("clone-b"));
            assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
            assertTrue(e.getStatus().getDescription().contains("field.note"), e.getStatus().getDescription());
            assertTrue(e.getStatus().getDescription().contains("extra text"), e.getStatus().getDescription());
            assertNull(parcel("central", "S-1", "code"), "nothing was applied");
        } finally {
            mesh.sql("clone-b", "ALTER TABLE field.note DROP COLUMN extra");
        }
        mesh.sync("clone-b");
        assertEquals("S-1", parcel("central", "S-1", "code"), "after the fix the edit is sent, not lost");
    }

    @Test
    void synchronizeFromSqlOnTheClone() throws Exception {
        mesh.sql("central", "INSERT INTO field.parcel (code, owner) VALUES ('Q-1', 'from central')");
        mesh.sql("clone-a", "INSERT INTO field.parcel (code, owner) VALUES ('Q-2', 'from a')");
        try (Connection c = mesh.db("clone-a").connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT * FROM lizsync.synchronize(60)")) {
            assertTrue(rs.next());
            assertEquals(1, rs.getLong("number_replayed_to_central"));
            assertTrue(rs.getLong("number_replayed_to_clone") >= 1);
            assertEquals(0, rs.getLong("number_conflicts"));
        }
        assertEquals("from a", parcel("central", "Q-2", "owner"));
        assertEquals("from central", parcel("clone-a", "Q-1", "owner"));
    }

    @Test
    void rowsThatCentralTriggersDeriveFromAReplayedChangeReachTheOriginToo() throws Exception {
        mesh.sql("central", """
                CREATE FUNCTION field.note_owner_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO field.note (parcel_uid, body) VALUES (NEW.uid, 'owner is now ' || NEW.owner);
                    RETURN NULL;
                END $$""",
                "CREATE TRIGGER note_owner AFTER UPDATE OF owner ON field.parcel FOR EACH ROW "
                        + "EXECUTE FUNCTION field.note_owner_change()");
        try {
            mesh.sql("central", "INSERT INTO field.parcel (code, owner) VALUES ('G-1', 'first')");
            mesh.sync("clone-a");
            mesh.sql("clone-a", "UPDATE field.parcel SET owner = 'second' WHERE code = 'G-1'");
            var r = mesh.sync("clone-a");
            assertEquals("1", mesh.one("central", "SELECT count(*) FROM field.note WHERE body = 'owner is now second'"));
            assertEquals(1, r.getNumberReplayedToClone(),
                    "the note central derived during the push comes back in the same session; the edit itself does not");
            assertEquals("1", mesh.one("clone-a", "SELECT count(*) FROM field.note WHERE body = 'owner is now second'"));
            assertEquals(0, mesh.sync("clone-a").getNumberReplayedToClone());
        } finally {
            mesh.sql("central", "DROP TRIGGER note_owner ON field.parcel", "DROP FUNCTION field.note_owner_change()");
        }
        syncAll();
        mesh.assertConverged();
    }

    @Test
    void manualPolicyKeepsCentralsValueUntilAnAdministratorDecides() throws Exception {
        var review = io.lizsync.proto.sync.v1.SyncReviewGrpc.newBlockingStub(mesh.channel(mesh.central.port)).withCallCredentials(Mesh.ADMIN);
        mesh.sql("central", "INSERT INTO field.parcel (code, owner) VALUES ('M-1', 'start')");
        syncAll();
        review.setTablePolicy(io.lizsync.proto.sync.v1.SetTablePolicyRequest.newBuilder().setPolicy(
                io.lizsync.proto.sync.v1.TablePolicy.newBuilder().setSchemaName("field").setTableName("parcel")
                        .setPolicy("manual")).build());
        try {
            mesh.sql("central", "UPDATE field.parcel SET owner = 'central' WHERE code = 'M-1'");
            Thread.sleep(100);
            mesh.sql("clone-a", "UPDATE field.parcel SET owner = 'clone, later' WHERE code = 'M-1'");
            assertEquals(1, mesh.sync("clone-a").getNumberConflicts());
            assertEquals("central", parcel("central", "M-1", "owner"));
            assertEquals("central", parcel("clone-a", "M-1", "owner"), "the row keeps its central value until decided");
            var pending = review.listConflicts(io.lizsync.proto.sync.v1.ListConflictsRequest.newBuilder()
                    .setPendingOnly(true).build()).getConflictsList();
            assertEquals(1, pending.size());
            assertEquals("\"clone, later\"", pending.get(0).getCloneValueJson());
            assertEquals("pending", pending.get(0).getWinner());
            assertEquals(1, pendingConflictsOf(review, "clone-a"), "the clone's state counts its pending conflict");

            var decided = review.resolveConflict(io.lizsync.proto.sync.v1.ResolveConflictRequest.newBuilder()
                    .setId(pending.get(0).getId()).setWinner("clone").setDecidedBy("admin anne").build());
            assertEquals("administrator", decided.getRule());
            assertEquals("clone", decided.getWinner());
            assertEquals("clone, later", parcel("central", "M-1", "owner"));
            assertEquals(0, pendingConflictsOf(review, "clone-a"));

            // An administrator may type a value instead of either side's: cast to the column's type, it becomes central's.
            mesh.sql("central", "UPDATE field.parcel SET area = 10 WHERE code = 'M-1'");
            Thread.sleep(100);
            mesh.sql("clone-a", "UPDATE field.parcel SET area = 20 WHERE code = 'M-1'");
            assertEquals(1, mesh.sync("clone-a").getNumberConflicts());
            long second = review.listConflicts(io.lizsync.proto.sync.v1.ListConflictsRequest.newBuilder()
                    .setPendingOnly(true).build()).getConflicts(0).getId();
            var notANumber = assertThrows(io.grpc.StatusRuntimeException.class, () -> review.resolveConflict(
                    io.lizsync.proto.sync.v1.ResolveConflictRequest.newBuilder().setId(second)
                            .setDecidedBy("admin anne").setValue("twelve").build()));
            assertEquals(io.grpc.Status.Code.INVALID_ARGUMENT, notANumber.getStatus().getCode());
            assertEquals(1, pendingConflictsOf(review, "clone-a"), "a refused value decides nothing");
            var typed = review.resolveConflict(io.lizsync.proto.sync.v1.ResolveConflictRequest.newBuilder()
                    .setId(second).setDecidedBy("admin anne").setValue("12.5").build());
            assertEquals("central", typed.getWinner());
            assertEquals("administrator", typed.getRule());
            assertEquals("12.50", parcel("central", "M-1", "area"));
            mesh.sync("clone-a");
            assertEquals("12.50", parcel("clone-a", "M-1", "area"));
        } finally {
            review.setTablePolicy(io.lizsync.proto.sync.v1.SetTablePolicyRequest.newBuilder().setPolicy(
                    io.lizsync.proto.sync.v1.TablePolicy.newBuilder().setSchemaName("field").setTableName("parcel")
                            .setPolicy("last_edit_wins")).build());
        }
        syncAll();
        assertEquals("clone, later", parcel("clone-b", "M-1", "owner"));
        mesh.assertConverged();
        var history = review.listHistory(io.lizsync.proto.sync.v1.ListHistoryRequest.newBuilder()
                .setServerId(mesh.cloneId("clone-a")).setLimit(5).build());
        assertTrue(history.getItemsCount() > 0, "both directions of every session are in the history");
    }

    private static long pendingConflictsOf(io.lizsync.proto.sync.v1.SyncReviewGrpc.SyncReviewBlockingStub review, String clone) {
        return review.listCloneStates(io.lizsync.proto.sync.v1.ListCloneStatesRequest.getDefaultInstance()).getClonesList()
                .stream().filter(c -> c.getCloneId().equals(mesh.cloneId(clone))).findFirst().orElseThrow().getPendingConflicts();
    }

    @Test
    void aCloneSpeaksOnlyAsItself() throws Exception {
        var channel = mesh.channel(mesh.central.port);
        String a = mesh.credential("clone-a");
        String b = mesh.cloneId("clone-b");
        var hello = io.lizsync.proto.sync.v1.HelloRequest.newBuilder().setCloneId(b).setToolsVersion("2").build();
        var asA = io.lizsync.proto.sync.v1.ExchangeGrpc.newBlockingStub(channel).withCallCredentials(bearer(a));
        var e = assertThrows(StatusRuntimeException.class, () -> asA.hello(hello));
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode(), "clone a cannot open a session as clone b");

        String forged = mesh.cloneId("clone-a") + ".not-the-secret";
        var wrong = io.lizsync.proto.sync.v1.ExchangeGrpc.newBlockingStub(channel).withCallCredentials(bearer(forged));
        e = assertThrows(StatusRuntimeException.class, () -> wrong.hello(hello));
        assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
        assertTrue(!e.getStatus().getDescription().contains("not-the-secret"), "a secret never appears in an error");
        String sessionsBefore = mesh.one("central", "SELECT string_agg(clone_id || ':' || coalesce(session_id::text, '-') "
                + "|| ':' || coalesce(last_sync::text, '-'), ',' ORDER BY clone_id) FROM lizsync.clone_state");
        var asItself = hello.toBuilder().setCloneId(mesh.cloneId("clone-a")).build();
        e = assertThrows(StatusRuntimeException.class, () -> wrong.hello(asItself));
        assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode(), "a wrong secret, even for its own id");
        assertEquals(sessionsBefore, mesh.one("central", "SELECT string_agg(clone_id || ':' || coalesce(session_id::text, "
                + "'-') || ':' || coalesce(last_sync::text, '-'), ',' ORDER BY clone_id) FROM lizsync.clone_state"),
                "a refused hello opens no session and records nothing");
        // Its own credential, the right tools version, but no table fingerprints: a clear refusal.
        var realA = io.lizsync.proto.sync.v1.ExchangeGrpc.newBlockingStub(channel).withCallCredentials(bearer(a));
        var noTables = asItself.toBuilder().setToolsVersion(mesh.one("central", "SELECT lizsync.tools_version()")).build();
        e = assertThrows(StatusRuntimeException.class, () -> realA.hello(noTables));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode(), e.getStatus().toString());
        assertTrue(e.getStatus().getDescription().contains("missing on the clone"), e.getStatus().getDescription());
        assertEquals(sessionsBefore, mesh.one("central", "SELECT string_agg(clone_id || ':' || coalesce(session_id::text, "
                + "'-') || ':' || coalesce(last_sync::text, '-'), ',' ORDER BY clone_id) FROM lizsync.clone_state"),
                "a hello refused by the structure check changes nothing either");

        var none = io.lizsync.proto.sync.v1.ExchangeGrpc.newBlockingStub(channel);
        assertEquals(Status.Code.UNAUTHENTICATED, assertThrows(StatusRuntimeException.class, () -> none.hello(hello))
                .getStatus().getCode());

        // A clone registered with a ticket, then revoked at registry-service (the owner of clone
        // identities): its next hello is refused, and the exchange's read model says so.
        String extraId = java.util.UUID.randomUUID().toString();
        var register = io.lizsync.proto.sync.v1.RegisterCloneRequest.newBuilder().setCloneId(extraId)
                .setRegistrationTicket(RegistryProcess.ticket(mesh.registry, "revoked one",
                        java.util.List.<String[]>of(new String[] {"field", "parcel"})))
                .addTables(io.lizsync.proto.sync.v1.TableName.newBuilder().setSchemaName("field").setTableName("parcel"))
                .build();
        var extra = none.registerClone(register);
        assertEquals(extraId, extra.getCloneId());
        e = assertThrows(StatusRuntimeException.class, () -> none.registerClone(register));
        assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode(), "a ticket registers once: " + e.getStatus());
        var registryChannel = io.grpc.ManagedChannelBuilder.forAddress("127.0.0.1", mesh.registry.port).usePlaintext()
                .build();
        try {
            RegistryProcess.admin(registryChannel).revokeCloneCredential(
                    io.lizsync.proto.registry.v1.RevokeCloneCredentialRequest.newBuilder().setServerId(extraId).build());
        } finally {
            registryChannel.shutdownNow();
        }
        var revoked = io.lizsync.proto.sync.v1.ExchangeGrpc.newBlockingStub(channel)
                .withCallCredentials(bearer(extra.getCredential()));
        var self = hello.toBuilder().setCloneId(extraId).build();
        CloneIdentityIT.eventually(() -> assertEquals("true", mesh.one("central", "SELECT (credential_revoked_at IS"
                + " NOT NULL)::text FROM lizsync.clone_state WHERE clone_id = '" + extraId + "'"),
                "the revocation reached the exchange's read model (central follows registry)"));
        e = assertThrows(StatusRuntimeException.class, () -> revoked.hello(self));
        assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("revoked"), e.getStatus().getDescription());
    }

    private static io.grpc.CallCredentials bearer(String credential) {
        return new io.grpc.CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, java.util.concurrent.Executor executor,
                    MetadataApplier applier) {
                io.grpc.Metadata m = new io.grpc.Metadata();
                m.put(io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER),
                        "Bearer " + credential);
                applier.apply(m);
            }
        };
    }

    /** A session naming itself like a request, with an id that is no request id, starts no session. */
    @Test
    void aSessionNamedLikeARequestWithoutARequestIdIsIgnored() throws Exception {
        mesh.sync("clone-a");
        String before = mesh.one("clone-a", "SELECT last_sync::text FROM lizsync.clone_state");
        try (Connection c = mesh.db("clone-a").connect(); Statement st = c.createStatement()) {
            st.execute("SET application_name = 'lizsync-sync-request:not-a-uuid'");
            // The sidecar polls every 0.1 s here: a dozen polls see the session.
            Thread.sleep(1500);
            assertEquals(before, mesh.one("clone-a", "SELECT last_sync::text FROM lizsync.clone_state"),
                    "no sync session ran for a session that only looks like a request");
        }
        mesh.sql("clone-a", "INSERT INTO field.parcel (code, owner) VALUES ('Q-3', 'after the hostile name')");
        try (Connection c = mesh.db("clone-a").connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT * FROM lizsync.synchronize(60)")) {
            assertTrue(rs.next(), "a real request is still answered");
            assertEquals(1, rs.getLong("number_replayed_to_central"));
        }
    }

    @Test
    void synchronizeFromSqlFailsClearlyWithoutASidecar() throws Exception {
        var sidecar = mesh.sidecars.get("clone-b");
        sidecar.kill();
        try (Connection c = mesh.db("clone-b").connect(); Statement st = c.createStatement()) {
            var e = assertThrows(java.sql.SQLException.class, () -> st.executeQuery("SELECT * FROM lizsync.synchronize(1)"));
            assertTrue(e.getMessage().contains("no sync-service sidecar answered within 1 s"), e.getMessage());
        } finally {
            sidecar.restart(java.util.Map.of());
        }
    }

    @Test
    void hostileIdentifiersTravelVerbatim() throws Exception {
        mesh.sql("clone-a", "INSERT INTO " + HOSTILE + " (\"Nom d'usage\", \"select\", \"Géométrie\", \"日本語\") "
                + "VALUES ('l''île \"neuve\"', 1, ST_SetSRID(ST_MakePoint(1, 2), 2154), '測量')");
        mesh.sql("central", "INSERT INTO " + HOSTILE + " (\"Nom d'usage\", \"select\") VALUES ('from central', 2)");
        syncAll();
        mesh.sql("clone-b", "UPDATE " + HOSTILE + " SET \"select\" = 42 WHERE \"Nom d'usage\" = 'from central'");
        syncAll();
        assertEquals("42", mesh.one("clone-a", "SELECT \"select\" FROM " + HOSTILE + " WHERE \"Nom d'usage\" = 'from central'"));
        assertEquals("測量", mesh.one("central", "SELECT \"日本語\" FROM " + HOSTILE + " WHERE \"select\" = 1"));
        assertEquals("t", mesh.one("central", "SELECT to_regclass('field.parcel') IS NOT NULL"));
        mesh.assertConverged();
    }

    @Test
    void theSidecarsLocalTokenRunsItsOwnSyncAndNothingElse() throws Exception {
        java.nio.file.Path file = mesh.stateDirs.get("clone-a").resolve("local-token");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                java.nio.file.Files.getPosixFilePermissions(file)), "readable by the sidecar's user only");
        var local = io.lizsync.grpckit.auth.BearerCredentials.of(java.nio.file.Files.readString(file).strip());
        var agentA = io.lizsync.proto.sync.v1.CloneAgentGrpc.newBlockingStub(mesh.channel(mesh.sidecars.get("clone-a").port))
                .withCallCredentials(local).withDeadlineAfter(120, java.util.concurrent.TimeUnit.SECONDS);
        mesh.sql("central", "INSERT INTO field.parcel (code, owner) VALUES ('by the local token', 'central')");
        SynchronizeResponse r = agentA.synchronize(io.lizsync.proto.sync.v1.SynchronizeRequest.getDefaultInstance());
        assertEquals(1, r.getStatus(), r.getMessage());
        assertEquals("1", mesh.one("clone-a", "SELECT count(*) FROM field.parcel WHERE code = 'by the local token'"));
        assertEquals(mesh.cloneId("clone-a"), agentA.getCloneStatus(
                io.lizsync.proto.sync.v1.GetCloneStatusRequest.getDefaultInstance()).getCloneId());

        var attach = assertThrows(StatusRuntimeException.class, () -> agentA.attach(
                io.lizsync.proto.sync.v1.AttachRequest.getDefaultInstance()));
        assertEquals(Status.Code.PERMISSION_DENIED, attach.getStatus().getCode(), "attaching is an operator's");
        var atCentral = assertThrows(StatusRuntimeException.class, () -> io.lizsync.proto.sync.v1.SyncReviewGrpc
                .newBlockingStub(mesh.channel(mesh.central.port)).withCallCredentials(local)
                .listHistory(io.lizsync.proto.sync.v1.ListHistoryRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAUTHENTICATED, atCentral.getStatus().getCode(), "central has no local token");
        var atB = assertThrows(StatusRuntimeException.class, () -> io.lizsync.proto.sync.v1.CloneAgentGrpc
                .newBlockingStub(mesh.channel(mesh.sidecars.get("clone-b").port)).withCallCredentials(local)
                .synchronize(io.lizsync.proto.sync.v1.SynchronizeRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAUTHENTICATED, atB.getStatus().getCode(), "each sidecar has its own");
    }
}
