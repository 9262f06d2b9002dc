package io.lizsync.sync.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lizsync.sync.e2e.ConflictRows.Conflict;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The result must not depend on the order in which clones sync (invariant 4). Two clones edit the
 * same row, clone-a first and clone-b {@value #GAP_MS} ms later, then they sync in one order or
 * the other, and once more each. Last edit wins by original edit time, so clone-b's edit wins
 * everywhere in both orders, and the one conflict recorded carries both original edit times (B's
 * after A's, each close to when it really happened: the sessions start a second after the edits,
 * so a time taken when central applied a change is clearly not an edit time).
 */
class SyncOrderIT {

    static final String DDL = """
            CREATE SCHEMA ord;
            CREATE TABLE ord.item (
                id serial PRIMARY KEY, uid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
                code text, owner text, n integer);
            """;

    static final String A = "clone-a";
    static final String B = "clone-b";
    static final List<String> NODES = List.of("central", A, B);
    /** Between A's edit and B's edit. */
    static final long GAP_MS = 300;
    /** Between the edits and the first session. */
    static final long BEFORE_SYNC_MS = 1000;
    /** How far a recorded edit time may be from the edit's own now() (clock offset measurement). */
    static final Duration TOLERANCE = Duration.ofMillis(250);

    static Mesh mesh;
    static final AtomicInteger ROWS = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        mesh = Mesh.start(DDL, "ord", List.<String[]>of(new String[] {"ord", "item"}), A, B);
    }

    @AfterAll
    static void stop() {
        if (mesh != null) {
            mesh.close();
        }
    }

    @Test
    void laterEditOfBWinsWhenASyncsFirst() throws Exception {
        laterEditWins(A, B);
    }

    @Test
    void laterEditOfBWinsWhenBSyncsFirst() throws Exception {
        laterEditWins(B, A);
    }

    @Test
    void laterDeleteOfBWinsOverAnUpdateOfAWhenASyncsFirst() throws Exception {
        laterDeleteWins(A, B);
    }

    @Test
    void laterDeleteOfBWinsOverAnUpdateOfAWhenBSyncsFirst() throws Exception {
        laterDeleteWins(B, A);
    }

    @Test
    void laterUpdateOfBWinsOverADeleteOfAWhenASyncsFirst() throws Exception {
        laterUpdateWinsOverDelete(A, B);
    }

    @Test
    void laterUpdateOfBWinsOverADeleteOfAWhenBSyncsFirst() throws Exception {
        laterUpdateWinsOverDelete(B, A);
    }

    private void laterEditWins(String first, String second) throws Exception {
        String uid = newRow();
        Instant aAt = edit(A, "UPDATE ord.item SET owner = 'a, earlier' WHERE uid = '" + uid + "' RETURNING now()");
        Thread.sleep(GAP_MS);
        Instant bAt = edit(B, "UPDATE ord.item SET owner = 'b, later' WHERE uid = '" + uid + "' RETURNING now()");
        String what = "clone-a set owner at " + aAt + ", clone-b at " + bAt + ", then sessions " + first + ", " + second
                + ", " + first + ", " + second;
        rounds(first, second);
        List<Conflict> conflicts = ConflictRows.of(mesh, List.of(uid));
        String context = what + "; recorded " + conflicts;
        for (String node : NODES) {
            assertEquals("b, later", field(node, uid, "owner"), "owner on " + node + " (last edit wins): " + context);
        }
        mesh.assertConverged();
        assertEquals(1, conflicts.size(), "one conflict: " + context);
        Conflict c = conflicts.get(0);
        assertEquals("owner", c.field(), context);
        assertEquals("last_edit_wins", c.rule(), context);
        // The conflict is found at the second clone's session: its value against central's (the first's).
        assertEquals(second, c.cloneName(), "found at the session of the clone that pushed second: " + context);
        boolean bIsClone = second.equals(B);
        assertEquals(bIsClone ? "b, later" : "a, earlier", c.cloneValue(), context);
        assertEquals(bIsClone ? "a, earlier" : "b, later", c.centralValue(), context);
        assertEquals(bIsClone ? "clone" : "central", c.winner(), "clone-b's later edit wins: " + context);
        assertEditTimes(c, bIsClone, aAt, bAt, context);
    }

    private void laterDeleteWins(String first, String second) throws Exception {
        String uid = newRow();
        Instant aAt = edit(A, "UPDATE ord.item SET owner = 'a updates' WHERE uid = '" + uid + "' RETURNING now()");
        Thread.sleep(GAP_MS);
        Instant bAt = edit(B, "DELETE FROM ord.item WHERE uid = '" + uid + "' RETURNING now()");
        String what = "clone-a updated at " + aAt + ", clone-b deleted at " + bAt + ", then sessions " + first + ", "
                + second + ", " + first + ", " + second;
        rounds(first, second);
        List<Conflict> conflicts = ConflictRows.of(mesh, List.of(uid));
        String context = what + "; recorded " + conflicts;
        for (String node : NODES) {
            assertNull(field(node, uid, "owner"), "the row is deleted on " + node + " (the later delete wins): " + context);
        }
        mesh.assertConverged();
        assertEquals(1, conflicts.size(), "one conflict: " + context);
        Conflict c = conflicts.get(0);
        assertNull(c.field(), "an update against a delete is a conflict of the whole row: " + context);
        assertEquals(second, c.cloneName(), "found at the session of the clone that pushed second: " + context);
        boolean bIsClone = second.equals(B);
        assertEquals(bIsClone ? "D" : "U", c.cloneAction(), context);
        assertEquals(bIsClone ? "U" : "D", c.centralAction(), context);
        assertEquals(bIsClone ? "clone" : "central", c.winner(), "clone-b's later delete wins: " + context);
        assertEditTimes(c, bIsClone, aAt, bAt, context);
    }

    private void laterUpdateWinsOverDelete(String first, String second) throws Exception {
        String uid = newRow();
        Instant aAt = edit(A, "DELETE FROM ord.item WHERE uid = '" + uid + "' RETURNING now()");
        Thread.sleep(GAP_MS);
        Instant bAt = edit(B, "UPDATE ord.item SET owner = 'b updates later' WHERE uid = '" + uid + "' RETURNING now()");
        String what = "clone-a deleted at " + aAt + ", clone-b updated at " + bAt + ", then sessions " + first + ", "
                + second + ", " + first + ", " + second;
        rounds(first, second);
        List<Conflict> conflicts = ConflictRows.of(mesh, List.of(uid));
        String context = what + "; recorded " + conflicts;
        for (String node : NODES) {
            assertEquals("b updates later", field(node, uid, "owner"),
                    "the row exists with clone-b's value on " + node + " (the later update wins): " + context);
            assertEquals("row " + uid.substring(0, 8), field(node, uid, "code"), "with its other fields: " + context);
        }
        mesh.assertConverged();
        assertEquals(1, conflicts.size(), "one conflict: " + context);
        Conflict c = conflicts.get(0);
        assertNull(c.field(), "an update against a delete is a conflict of the whole row: " + context);
        assertEquals(second, c.cloneName(), "found at the session of the clone that pushed second: " + context);
        boolean bIsClone = second.equals(B);
        assertEquals(bIsClone ? "U" : "D", c.cloneAction(), context);
        assertEquals(bIsClone ? "D" : "U", c.centralAction(), context);
        assertEquals(bIsClone ? "clone" : "central", c.winner(), "clone-b's later update wins: " + context);
        assertEditTimes(c, bIsClone, aAt, bAt, context);
    }

    /** B's edit recorded after A's, and each recorded time close to the edit's real time. */
    private static void assertEditTimes(Conflict c, boolean bIsClone, Instant aAt, Instant bAt, String context) {
        Instant aRecorded = bIsClone ? c.centralAt() : c.cloneAt();
        Instant bRecorded = bIsClone ? c.cloneAt() : c.centralAt();
        assertTrue(aRecorded != null && bRecorded != null, "both edit times recorded: " + context);
        assertTrue(bRecorded.isAfter(aRecorded), "clone-b's edit is recorded after clone-a's (recorded a " + aRecorded
                + ", b " + bRecorded + "): " + context);
        assertTrue(Duration.between(aAt, aRecorded).abs().compareTo(TOLERANCE) <= 0,
                "clone-a's edit time is recorded as " + aRecorded + ", it happened at " + aAt + ": " + context);
        assertTrue(Duration.between(bAt, bRecorded).abs().compareTo(TOLERANCE) <= 0,
                "clone-b's edit time is recorded as " + bRecorded + ", it happened at " + bAt + ": " + context);
    }

    /** A new row inserted on central and synced to both clones; returns its uid. */
    private static String newRow() throws Exception {
        String uid = java.util.UUID.randomUUID().toString();
        mesh.sql("central", "INSERT INTO ord.item (uid, code, owner, n) VALUES ('" + uid + "', 'row " + uid.substring(0, 8)
                + "', 'start', " + ROWS.incrementAndGet() + ")");
        sync(A);
        sync(B);
        for (String node : NODES) {
            assertEquals("start", field(node, uid, "owner"), "the new row reached " + node);
        }
        return uid;
    }

    private static void rounds(String first, String second) throws Exception {
        Thread.sleep(BEFORE_SYNC_MS);
        sync(first);
        sync(second);
        sync(first);
        sync(second);
    }

    private static void sync(String clone) {
        var r = mesh.sync(clone);
        assertEquals(1, r.getStatus(), "session of " + clone + ": " + r);
    }

    /** Runs one statement that changes one row and returns its transaction's now(). */
    static Instant edit(String node, String statement) throws Exception {
        return edit(mesh, node, statement);
    }

    /** Runs one statement that changes one row on a node of {@code mesh} and returns its transaction's now(). */
    static Instant edit(Mesh mesh, String node, String statement) throws Exception {
        try (Connection c = mesh.db(node).connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(statement)) {
            assertTrue(rs.next(), "no row changed on " + node + ": " + statement);
            Instant at = rs.getTimestamp(1).toInstant();
            assertTrue(!rs.next(), "more than one row changed on " + node + ": " + statement);
            return at;
        }
    }

    private static String field(String node, String uid, String column) throws Exception {
        return mesh.one(node, "SELECT " + column + "::text FROM ord.item WHERE uid = '" + uid + "'");
    }
}
