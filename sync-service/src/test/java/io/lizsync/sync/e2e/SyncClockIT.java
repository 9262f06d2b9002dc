package io.lizsync.sync.e2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lizsync.proto.sync.v1.SynchronizeResponse;
import io.lizsync.testkit.PgCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Last edit wins by the real time of the edits when clocks are wrong. Edit times are stamped by
 * each database's clock ({@code transaction_timestamp()} in the audit trigger), so the offset that
 * corrects a clone's stamps must be the one between the clone's database and central's database,
 * whatever the clocks of the JVMs in between:
 * <ul>
 * <li>clone-a: its PostgreSQL runs 10 minutes ahead, its sidecar's JVM clock is right;
 * <li>clone-b: its PostgreSQL clock is right, its sidecar's JVM runs 10 minutes behind.
 * </ul>
 * Central (database and service) has the machine's clock. For each clone the same field of two rows
 * is edited on the clone and directly on central, {@value #GAP_MS} ms apart in both orders; after
 * the syncs every node holds the really later value and central recorded the right winner.
 */
class SyncClockIT {

    static final Duration WRONG_BY = Duration.ofMinutes(10);
    /** Real time between the two conflicting edits: far above any measurement error, far below 10 min. */
    static final long GAP_MS = 1500;
    /** How far a measured clock offset may be from the configured one (round trips on a loaded machine). */
    static final long TOLERANCE_MS = 20_000;

    static final String DDL = """
            CREATE SCHEMA field;
            CREATE TABLE field.parcel (
                id serial PRIMARY KEY, uid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
                code text, owner text);
            """;

    static final List<String> NODES = List.of("central", "clone-a", "clone-b");

    static Mesh mesh;

    @BeforeAll
    static void start() throws Exception {
        mesh = Mesh.start(DDL, "field", List.<String[]>of(new String[] {"field", "parcel"}), (clone, port) -> port,
                Map.<String, UnaryOperator<PgCluster.Options>>of("clone-a", o -> o.clockOffset(WRONG_BY)),
                Map.of("clone-b", WRONG_BY.negated()), "clone-a", "clone-b");
    }

    @AfterAll
    static void stop() {
        if (mesh != null) {
            mesh.close();
        }
    }

    // ------------------------------------------------------------------ the clocks really are wrong

    @Test
    void theClocksAreReallyWrong() throws Exception {
        long a = databaseClockOffsetMs("clone-a");
        assertTrue(Math.abs(a - WRONG_BY.toMillis()) < TOLERANCE_MS,
                "clone-a's database must be 10 min ahead of this JVM, is " + a + " ms");
        long central = databaseClockOffsetMs("central");
        assertTrue(Math.abs(central) < TOLERANCE_MS, "central's database clock must be right, is off by " + central + " ms");
        long b = databaseClockOffsetMs("clone-b");
        assertTrue(Math.abs(b) < TOLERANCE_MS, "clone-b's database clock must be right, is off by " + b + " ms");

        // A JVM's wall clock, seen from outside: the time its last log line carries against the time
        // the kernel (real clock) stamped on the log file when that line was written.
        mesh.sync("clone-a");
        mesh.sync("clone-b");
        long sidecarB = logClockOffsetMs(mesh.sidecars.get("clone-b").log);
        assertTrue(Math.abs(sidecarB + WRONG_BY.toMillis()) < TOLERANCE_MS,
                "clone-b's sidecar JVM must be 10 min behind, its log is " + sidecarB + " ms off");
        long sidecarA = logClockOffsetMs(mesh.sidecars.get("clone-a").log);
        assertTrue(Math.abs(sidecarA) < TOLERANCE_MS, "clone-a's sidecar JVM clock must be right, its log is "
                + sidecarA + " ms off");
    }

    // ------------------------------------------------------------------ case 1: clone database ahead

    @Test
    void cloneDatabaseAheadOfEveryoneTheReallyLaterEditWins() throws Exception {
        mesh.sql("central", "INSERT INTO field.parcel (code, owner) VALUES ('A-1', 'start'), ('A-2', 'start')");
        syncBoth();
        assertEquals("start", owner("clone-a", "A-1"));

        // clone-a edits first, central later: central's edit is the later one.
        long realA1 = System.currentTimeMillis();
        mesh.sql("clone-a", "UPDATE field.parcel SET owner = 'clone-a, earlier' WHERE code = 'A-1'");
        long stamp = auditStampMs("clone-a", "A-1");
        assertTrue(Math.abs(stamp - realA1 - WRONG_BY.toMillis()) < TOLERANCE_MS,
                "clone-a's audit trigger stamps its edit 10 min ahead, stamped " + (stamp - realA1) + " ms from real time");
        Thread.sleep(GAP_MS);
        mesh.sql("central", "UPDATE field.parcel SET owner = 'central, later' WHERE code = 'A-1'");
        // central edits first, clone-a later: clone-a's edit is the later one.
        mesh.sql("central", "UPDATE field.parcel SET owner = 'central, earlier' WHERE code = 'A-2'");
        Thread.sleep(GAP_MS);
        mesh.sql("clone-a", "UPDATE field.parcel SET owner = 'clone-a, later' WHERE code = 'A-2'");

        SynchronizeResponse r = mesh.sync("clone-a");
        assertEquals(2, r.getNumberConflicts(), "both rows are conflicts");
        mesh.sync("clone-a");
        mesh.sync("clone-b");

        List<Executable> checks = new ArrayList<>();
        checks.addAll(expect("A-1", "clone-a", "central, later", "clone-a, earlier", "central",
                "clone-a (database 10 min ahead) edited first, central " + GAP_MS + " ms later"));
        checks.addAll(expect("A-2", "clone-a", "central, earlier", "clone-a, later", "clone",
                "central edited first, clone-a (database 10 min ahead) " + GAP_MS + " ms later"));
        assertAll("clone-a's database 10 min ahead", checks);
        mesh.assertConverged();
    }

    // ------------------------------------------------------------------ case 2: sidecar JVM behind

    @Test
    void sidecarClockBehindItsRightDatabaseTheReallyLaterEditWins() throws Exception {
        mesh.sql("central", "INSERT INTO field.parcel (code, owner) VALUES ('B-1', 'start'), ('B-2', 'start')");
        syncBoth();
        assertEquals("start", owner("clone-b", "B-1"));

        // B-1: clone-b edits first, central later: central's edit is the later one.
        long realB1 = System.currentTimeMillis();
        mesh.sql("clone-b", "UPDATE field.parcel SET owner = 'clone-b, earlier' WHERE code = 'B-1'");
        long stamp = auditStampMs("clone-b", "B-1");
        assertTrue(Math.abs(stamp - realB1) < TOLERANCE_MS,
                "clone-b's audit trigger stamps its edit with the right time, stamped " + (stamp - realB1) + " ms off");
        Thread.sleep(GAP_MS);
        mesh.sql("central", "UPDATE field.parcel SET owner = 'central, later' WHERE code = 'B-1'");
        // B-2: central edits first, clone-b later: clone-b's edit is the later one.
        mesh.sql("central", "UPDATE field.parcel SET owner = 'central, earlier' WHERE code = 'B-2'");
        Thread.sleep(GAP_MS);
        mesh.sql("clone-b", "UPDATE field.parcel SET owner = 'clone-b, later' WHERE code = 'B-2'");

        SynchronizeResponse r = mesh.sync("clone-b");
        assertEquals(2, r.getNumberConflicts(), "both rows are conflicts");
        mesh.sync("clone-b");
        mesh.sync("clone-a");

        List<Executable> checks = new ArrayList<>();
        checks.addAll(expect("B-1", "clone-b", "central, later", "clone-b, earlier", "central",
                "clone-b (sidecar JVM 10 min behind) edited first, central " + GAP_MS + " ms later"));
        checks.addAll(expect("B-2", "clone-b", "central, earlier", "clone-b, later", "clone",
                "central edited first, clone-b (sidecar JVM 10 min behind) " + GAP_MS + " ms later"));
        assertAll("clone-b's sidecar JVM 10 min behind", checks);
        mesh.assertConverged();
    }

    // ------------------------------------------------------------------ helpers

    /**
     * The checks of one row: the winning value on every node, and central's conflict record (one
     * row, the right winner, both values, the rule, the clone's edit time corrected onto central's
     * clock so that the two recorded times are {@value #GAP_MS} ms apart, not 10 min).
     */
    private static List<Executable> expect(String code, String clone, String centralValue, String cloneValue,
            String winner, String story) {
        String winning = winner.equals("central") ? centralValue : cloneValue;
        String loser = winner.equals("central") ? "clone" : "central";
        List<Executable> checks = new ArrayList<>();
        for (String node : NODES) {
            checks.add(() -> assertEquals(winning, owner(node, code), code + " on " + node + ": " + story
                    + ": the real later edit ('" + winning + "') must win everywhere"));
        }
        String where = """
                FROM lizsync.conflicts c JOIN field.parcel p ON p.uid = c.object_uid
                WHERE p.code = '%s' AND c.field_name = 'owner' AND c.clone_id = '%s'::uuid"""
                .formatted(code, mesh.cloneId(clone));
        checks.add(() -> {
            assertEquals("1", mesh.one("central", "SELECT count(*) " + where), code + ": one conflict recorded");
            assertEquals(winner + "|\"" + centralValue + "\"|\"" + cloneValue + "\"|last_edit_wins", mesh.one("central",
                    "SELECT winner || '|' || central_value::text || '|' || clone_value::text || '|' || rule_applied "
                            + where),
                    code + ": central's conflict record: " + story + ": winner " + winner + ", not " + loser);
        });
        checks.add(() -> {
            long apart = Long.parseLong(mesh.one("central", "SELECT (extract(epoch FROM clone_edited_at - central_edited_at)"
                    + " * 1000)::bigint " + where));
            long expected = winner.equals("central") ? -GAP_MS : GAP_MS;
            assertTrue(Math.abs(apart - expected) < TOLERANCE_MS / 2, code + ": the recorded clone_edited_at, on "
                    + "central's clock, is " + apart + " ms from central_edited_at, expected about " + expected + " ms");
        });
        return checks;
    }

    private static void syncBoth() {
        mesh.sync("clone-a");
        mesh.sync("clone-b");
        mesh.sync("clone-a");
    }

    private static String owner(String node, String code) throws Exception {
        return mesh.one(node, "SELECT owner FROM field.parcel WHERE code = '" + code + "'");
    }

    /** A database's {@code now()} minus this JVM's clock, at the midpoint of the round trip. */
    private static long databaseClockOffsetMs(String node) throws Exception {
        long best = Long.MAX_VALUE;
        long offset = 0;
        for (int i = 0; i < 3; i++) { // the shortest round trip of three
            long before = System.currentTimeMillis();
            long db = Long.parseLong(mesh.one(node, "SELECT (extract(epoch FROM now()) * 1000)::bigint"));
            long after = System.currentTimeMillis();
            if (after - before < best) {
                best = after - before;
                offset = db - (before + (after - before) / 2);
            }
        }
        return offset;
    }

    /** The audit trigger's stamp (transaction_timestamp()) of the last logged change of a row. */
    private static long auditStampMs(String node, String code) throws Exception {
        return Long.parseLong(mesh.one(node, """
                SELECT (extract(epoch FROM l.action_tstamp_tx) * 1000)::bigint
                FROM audit.logged_actions l JOIN field.parcel p ON p.uid = l.uid
                WHERE p.code = '%s' ORDER BY l.event_id DESC LIMIT 1""".formatted(code)));
    }

    private static final Pattern LOG_TIME = Pattern.compile("^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) ");

    /**
     * The wall clock of the process writing {@code log} minus the machine's: the time of its last
     * log line ({@code HH:mm:ss.SSS}, the service's console format) against the file's modification
     * time, which the kernel stamps with the real clock. Within ±12 h (the log has no date).
     */
    private static long logClockOffsetMs(Path log) throws Exception {
        LocalTime written = Files.getLastModifiedTime(log).toInstant().atZone(ZoneId.systemDefault()).toLocalTime();
        List<String> lines = Files.readAllLines(log);
        for (int i = lines.size() - 1; i >= 0; i--) {
            Matcher m = LOG_TIME.matcher(lines.get(i));
            if (m.find()) {
                LocalTime logged = LocalTime.parse(m.group(1), DateTimeFormatter.ofPattern("HH:mm:ss.SSS"));
                long day = Duration.ofDays(1).toMillis();
                long d = Math.floorMod(Duration.between(written, logged).toMillis(), day);
                return d > day / 2 ? d - day : d;
            }
        }
        throw new AssertionError("no timestamped line in " + log);
    }
}
