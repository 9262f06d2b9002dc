package io.lizsync.sync.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.StatusRuntimeException;
import io.lizsync.proto.sync.v1.SynchronizeResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults: a sidecar killed between push and pull and between applying a pull and acknowledging
 * it, the link cut in the middle of a stream (a TCP proxy between clone-b and central), central's
 * PostgreSQL restarted while it applies a push, a sidecar killed at random points of sessions many
 * times. Every test proves that its fault hit the step it names (the fault-injection lines in the
 * services' logs, the bytes through the proxy). Afterwards: converged, nothing lost, nothing twice.
 *
 * <p>The random kills: {@code -Dlizsync.faults.rounds=N} (default 12),
 * {@code -Dlizsync.faults.seed=S} (default: random, printed; a failure names it) and
 * {@code -Dlizsync.faults.max-delay-ms=M} (default 1500: kills 0 to M ms after a sync starts).
 */
class SyncFaultsIT {

    static Mesh mesh;
    static TcpProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        mesh = Mesh.start(SyncScenariosIT.DDL, "field",
                List.of(new String[] {"field", "parcel"}, new String[] {"field", "note"}, new String[] {"field", "sample"}),
                (clone, port) -> {
                    if (!clone.equals("clone-b")) {
                        return port;
                    }
                    try {
                        proxy = new TcpProxy(port);
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                    return proxy.port();
                }, "clone-a", "clone-b");
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (mesh != null) {
            mesh.close();
        }
    }

    private static Map<String, String> crashAt(String point) {
        Map<String, String> env = new HashMap<>();
        env.put("LIZSYNC_SYNC_TEST_CRASH_POINT", point);
        return env;
    }

    private static Map<String, String> noCrash() {
        Map<String, String> env = new HashMap<>();
        env.put("LIZSYNC_SYNC_TEST_CRASH_POINT", null);
        return env;
    }

    private static long count(String node, String sql) throws Exception {
        return Long.parseLong(mesh.one(node, sql));
    }

    private static final String HALT = "fault injection: halting at ";
    private static final String PAUSE = "fault injection: pausing in push ";

    @Test
    void sidecarKilledBetweenPushAndPull() throws Exception {
        mesh.sql("central", "INSERT INTO field.parcel (code, area) VALUES ('P-1', 10)");
        mesh.sync("clone-a");
        mesh.sql("clone-a", "UPDATE field.parcel SET area = area + 1 WHERE code = 'P-1'",
                "INSERT INTO field.parcel (code, area) VALUES ('P-new', 1)");
        long pushesBefore = count("central", "SELECT count(*) FROM lizsync.received_pushes");
        var sidecar = mesh.sidecars.get("clone-a");
        long haltsBefore = sidecar.logCount(HALT + "after-push");
        sidecar.restart(crashAt("after-push"));
        assertThrows(StatusRuntimeException.class, () -> mesh.sync("clone-a"), "the sidecar dies mid-session");
        assertEquals(haltsBefore + 1, sidecar.logCount(HALT + "after-push"),
                "the sidecar halted at after-push in this session (see " + sidecar.log + ")");
        assertEquals(pushesBefore + 1, count("central", "SELECT count(*) FROM lizsync.received_pushes"),
                "central committed the push before the crash");
        assertEquals("11.00", mesh.one("central", "SELECT area::text FROM field.parcel WHERE code = 'P-1'"),
                "central applied the push before the crash");
        assertTrue(count("clone-a", "SELECT count(*) FROM audit.logged_actions l, lizsync.clone_state s "
                + "WHERE s.open_push_id IS NOT NULL AND pg_visible_in_snapshot(l.transaction_id, s.open_push_snapshot)") > 0,
                "the clone never heard the confirmation: its log still holds the push");
        sidecar.restart(noCrash());
        mesh.sync("clone-a");
        assertEquals(pushesBefore + 1, count("central", "SELECT count(*) FROM lizsync.received_pushes"),
                "the retried push was answered, not applied again");
        assertEquals("11.00", mesh.one("central", "SELECT area::text FROM field.parcel WHERE code = 'P-1'"));
        assertEquals(1, count("central", "SELECT count(*) FROM field.parcel WHERE code = 'P-new'"));
        assertEquals(0, count("clone-a", "SELECT count(*) FROM audit.logged_actions"));
        mesh.sync("clone-b");
        mesh.sync("clone-a");
        assertEquals(1, count("clone-b", "SELECT count(*) FROM field.parcel WHERE code = 'P-new'"));
        mesh.assertConverged();
    }

    @Test
    void sidecarKilledBetweenApplyingAPullAndAcknowledgingIt() throws Exception {
        mesh.sql("central", "INSERT INTO field.parcel (code, owner) SELECT 'A-' || g, 'central' FROM generate_series(1, 50) g");
        var sidecar = mesh.sidecars.get("clone-a");
        long haltsBefore = sidecar.logCount(HALT + "after-apply");
        sidecar.restart(crashAt("after-apply"));
        assertThrows(StatusRuntimeException.class, () -> mesh.sync("clone-a"));
        assertEquals(haltsBefore + 1, sidecar.logCount(HALT + "after-apply"),
                "the sidecar halted at after-apply in this session (see " + sidecar.log + ")");
        assertEquals(50, count("clone-a", "SELECT count(*) FROM field.parcel WHERE code LIKE 'A-%'"),
                "the pull was applied locally with its cursor");
        sidecar.restart(noCrash());
        var r = mesh.sync("clone-a");
        assertEquals(0, r.getNumberReplayedToClone(), "central adopts the clone's cursor: nothing is applied twice");
        assertEquals(50, count("clone-a", "SELECT count(*) FROM field.parcel WHERE code LIKE 'A-%'"));
        mesh.sync("clone-b");
        mesh.assertConverged();
    }

    @Test
    void connectionCutInTheMiddleOfAPull() throws Exception {
        long cutPoint = 64 * 1024;
        mesh.sync("clone-b");
        // What a whole session costs from central to clone-b when it pulls one small row: hello,
        // a short pull, the acknowledgement. The cut point must lie well beyond it.
        mesh.sql("central", "INSERT INTO field.parcel (code, owner) VALUES ('N-small', 'central')");
        proxy.resetCounters();
        assertEquals(1, mesh.sync("clone-b").getNumberReplayedToClone());
        long smallSession = proxy.bytesToClient();
        assertTrue(smallSession < cutPoint / 4, "a session pulling one row took " + smallSession
                + " bytes to the client: the cut at " + cutPoint + " would not fall in the pull's data");
        long before = count("clone-b", "SELECT count(*) FROM field.parcel");
        mesh.sql("central", "INSERT INTO field.parcel (code, owner, geom) SELECT 'N-' || g, repeat('x', 200), "
                + "ST_Buffer(ST_SetSRID(ST_MakePoint(g, g), 2154), 5, 16) FROM generate_series(1, 3000) g");
        int cutsBefore = proxy.cuts();
        proxy.cutAfter(cutPoint);
        assertThrows(StatusRuntimeException.class, () -> mesh.sync("clone-b"));
        assertTrue(proxy.cuts() > cutsBefore, "the proxy cut the link");
        long atCut = proxy.bytesAtCut();
        assertTrue(atCut >= cutPoint && atCut > 4 * smallSession, "the link was cut after " + atCut
                + " bytes to the client, a session of one small row takes " + smallSession
                + ": the cut came after the hello, in the pull's data");
        assertEquals(before, count("clone-b", "SELECT count(*) FROM field.parcel"),
                "a pull that did not arrive whole applied nothing");
        proxy.heal();
        proxy.resetCounters();
        var r = mesh.sync("clone-b");
        long wholePull = proxy.bytesToClient();
        System.out.printf("connectionCutInTheMiddleOfAPull: one-row session %d bytes to the client, cut at %d, "
                + "the whole pull's session %d%n", smallSession, atCut, wholePull);
        assertTrue(wholePull > 4 * atCut, "the whole pull took " + wholePull + " bytes to the client, the cut came at "
                + atCut + ": it was cut in the middle, not after its end");
        assertEquals(3000, r.getNumberReplayedToClone());
        assertEquals(before + 3000, count("clone-b", "SELECT count(*) FROM field.parcel"));
        mesh.sync("clone-a");
        mesh.assertConverged();
    }

    @Test
    void centralPostgresRestartedWhileApplyingAPush() throws Exception {
        ServiceProcess central = mesh.central;
        String cloneId = mesh.cloneId("clone-a");
        mesh.sync("clone-a");
        assertEquals(0, count("clone-a", "SELECT count(*) FROM audit.logged_actions"));
        // About 6 MiB of net changes: several batches of at most 1 MiB.
        mesh.sql("clone-a", "INSERT INTO field.note (body) SELECT 'bulk ' || g || ' ' || repeat('x', 200) "
                + "FROM generate_series(1, 20000) g");
        AtomicReference<Throwable> failure = new AtomicReference<>();
        String pushId;
        Map<String, String> pause = new HashMap<>();
        pause.put("LIZSYNC_SYNC_TEST_PUSH_PAUSE", "5s");
        central.restart(pause);
        try {
            long pausesBefore = central.logCount(PAUSE);
            Thread session = new Thread(() -> {
                try {
                    mesh.sync("clone-a");
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            session.start();
            // Wait until central holds the push's transaction open after its first batch.
            long deadline = System.currentTimeMillis() + 60_000;
            while (central.logCount(PAUSE) == pausesBefore && session.isAlive()
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            long seenAt = System.nanoTime();
            List<String> pauses = central.logLines(PAUSE);
            assertEquals(pausesBefore + 1, pauses.size(), "central paused in the push (session failed: " + failure.get()
                    + "; see " + central.log + ")");
            pushId = mesh.one("clone-a", "SELECT open_push_id::text FROM lizsync.clone_state WHERE open_push_id IS NOT NULL");
            String line = pauses.get(pauses.size() - 1);
            assertTrue(pushId != null && line.contains(PAUSE + pushId + " of clone " + cloneId + " "),
                    "the pause is in this push (" + pushId + ") of clone-a: " + line);
            long restartMs = (System.nanoTime() - seenAt) / 1_000_000;
            assertTrue(restartMs < 4_000, "central's PostgreSQL restarts " + restartMs
                    + " ms after the pause was seen: within the 5 s pause, while the push's transaction is open");
            mesh.db("central").restart();
            assertEquals(0, count("central", "SELECT count(*) FROM field.note WHERE body LIKE 'bulk %'"),
                    "the push's transaction died with the server: nothing of it is on central");
            session.join(120_000);
            assertTrue(!session.isAlive(), "the session ended");
            assertTrue(failure.get() instanceof StatusRuntimeException, "the session failed: " + failure.get());
            assertEquals(0, count("central", "SELECT count(*) FROM field.note WHERE body LIKE 'bulk %'"),
                    "the push rolled back: nothing of it is on central");
            assertEquals(0, central.logCount("push " + pushId + " of clone " + cloneId + ": "),
                    "central never committed push " + pushId);
            assertEquals(0, count("central", "SELECT count(*) FROM lizsync.received_pushes WHERE push_id = '"
                    + pushId + "'"), "central has no record of push " + pushId);
        } finally {
            Map<String, String> noPause = new HashMap<>();
            noPause.put("LIZSYNC_SYNC_TEST_PUSH_PAUSE", null);
            central.restart(noPause);
        }
        SynchronizeResponse done = null;
        for (int attempt = 0; attempt < 20 && done == null; attempt++) {
            try {
                done = mesh.sync("clone-a");
            } catch (StatusRuntimeException e) {
                Thread.sleep(500);
            }
        }
        assertTrue(done != null, "a retried sync succeeded");
        assertEquals(20000, count("central", "SELECT count(*) FROM field.note WHERE body LIKE 'bulk %'"),
                "every row on central");
        assertEquals(20000, count("central", "SELECT count(DISTINCT body) FROM field.note WHERE body LIKE 'bulk %'"),
                "every row exactly once");
        assertEquals(1, count("central", "SELECT count(*) FROM lizsync.received_pushes WHERE push_id = '" + pushId + "'"),
                "the retried push (the same push id) was applied once");
        Matcher batches = Pattern.compile("push " + pushId + " of clone " + cloneId + ": 20000 change\\(s\\) in (\\d+) batch")
                .matcher(String.join("\n", central.logLines("push " + pushId + " of clone " + cloneId + ": ")));
        assertTrue(batches.find(), "central logged the applied push " + pushId);
        assertTrue(Integer.parseInt(batches.group(1)) > 1, "the push spans several batches: " + batches.group());
        assertEquals(0, count("clone-a", "SELECT count(*) FROM audit.logged_actions"), "the clone's log is empty");
        mesh.sync("clone-b");
        assertEquals(20000, count("clone-b", "SELECT count(DISTINCT body) FROM field.note WHERE body LIKE 'bulk %'"));
        assertEquals(20000, count("clone-b", "SELECT count(*) FROM field.note WHERE body LIKE 'bulk %'"));
        mesh.assertConverged();
    }

    /**
     * The sidecar of clone-a killed (SIGKILL) at a random moment after a sync starts, round after
     * round, with edits on clone-a and central in between; the kill may land in any step of the
     * session (hello, clock, push, pull, local apply, acknowledgement) or after it ended.
     * Afterwards every insert is everywhere exactly once, deletes are gone, updates hold their last
     * value, and the mesh converges.
     */
    @Test
    void sidecarKilledAtRandomPointsOfSessions() throws Exception {
        int rounds = Integer.getInteger("lizsync.faults.rounds", 12);
        long seed = Long.getLong("lizsync.faults.seed", new Random().nextLong());
        int maxDelayMs = Integer.getInteger("lizsync.faults.max-delay-ms", 1500);
        System.out.printf("sidecarKilledAtRandomPointsOfSessions: %d rounds, kills 0-%d ms after a sync starts, "
                + "-Dlizsync.faults.seed=%d%n", rounds, maxDelayMs, seed);
        try {
            killAtRandom(rounds, seed, maxDelayMs);
        } catch (Throwable t) {
            throw new AssertionError("sidecarKilledAtRandomPointsOfSessions failed with -Dlizsync.faults.seed=" + seed
                    + " -Dlizsync.faults.rounds=" + rounds + " -Dlizsync.faults.max-delay-ms=" + maxDelayMs + ": "
                    + t.getMessage(), t);
        }
    }

    /**
     * A session of a freshly started sidecar takes about a second here (a cold JVM: hello 350 ms,
     * push 450 ms, pull and apply 300 ms), so kills up to {@code maxDelayMs} (1.5 s) land in every
     * step of it, and sometimes after it.
     */
    private void killAtRandom(int rounds, long seed, int maxDelayMs) throws Exception {
        Random random = new Random(seed);
        var sidecar = mesh.sidecars.get("clone-a");
        String cloneId = mesh.cloneId("clone-a");
        // Expected state of the rows of this test, by code: the owner they must hold in the end.
        Map<String, String> expected = new TreeMap<>();
        List<String> aliveOnA = new ArrayList<>();
        List<String> aliveOnCentral = new ArrayList<>();
        TreeSet<String> deleted = new TreeSet<>();
        int during = 0;
        int after = 0;
        Map<String, Integer> steps = new TreeMap<>();
        List<String> report = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            // clone-a: inserts, updates (one row twice), a delete, in separate transactions.
            int inserts = 50 + random.nextInt(400);
            mesh.sql("clone-a", "INSERT INTO field.parcel (code, owner, area) SELECT 'ka-" + round + "-' || g, 'a-"
                    + round + "-new', g FROM generate_series(1, " + inserts + ") g");
            for (int g = 1; g <= inserts; g++) {
                String code = "ka-" + round + "-" + g;
                expected.put(code, "a-" + round + "-new");
                aliveOnA.add(code);
            }
            String twice = aliveOnA.get(random.nextInt(aliveOnA.size()));
            for (int u = 0; u < 3; u++) {
                String code = u == 2 ? twice : aliveOnA.get(random.nextInt(aliveOnA.size()));
                String owner = "a-" + round + "-u" + u;
                mesh.sql("clone-a", "UPDATE field.parcel SET owner = '" + owner + "' WHERE code = '" + code + "'");
                expected.put(code, owner);
            }
            String goneA = aliveOnA.remove(random.nextInt(aliveOnA.size()));
            mesh.sql("clone-a", "DELETE FROM field.parcel WHERE code = '" + goneA + "'");
            expected.remove(goneA);
            deleted.add(goneA);
            // central: inserts, updates, a delete, on its own rows.
            int centralInserts = 50 + random.nextInt(400);
            mesh.sql("central", "INSERT INTO field.parcel (code, owner, area) SELECT 'kc-" + round + "-' || g, 'c-"
                    + round + "-new', g FROM generate_series(1, " + centralInserts + ") g");
            for (int g = 1; g <= centralInserts; g++) {
                String code = "kc-" + round + "-" + g;
                expected.put(code, "c-" + round + "-new");
                aliveOnCentral.add(code);
            }
            for (int u = 0; u < 2; u++) {
                String code = aliveOnCentral.get(random.nextInt(aliveOnCentral.size()));
                String owner = "c-" + round + "-u" + u;
                mesh.sql("central", "UPDATE field.parcel SET owner = '" + owner + "' WHERE code = '" + code + "'");
                expected.put(code, owner);
            }
            String goneC = aliveOnCentral.remove(random.nextInt(aliveOnCentral.size()));
            mesh.sql("central", "DELETE FROM field.parcel WHERE code = '" + goneC + "'");
            expected.remove(goneC);
            deleted.add(goneC);

            long pushesBefore = count("central", "SELECT count(*) FROM lizsync.received_pushes WHERE clone_id = '"
                    + cloneId + "'");
            AtomicReference<SynchronizeResponse> result = new AtomicReference<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread session = new Thread(() -> {
                try {
                    result.set(mesh.sync("clone-a"));
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "sync-clone-a-round-" + round);
            int sleepMs = random.nextInt(maxDelayMs + 1);
            session.start();
            Thread.sleep(sleepMs);
            sidecar.kill();
            session.join(60_000);
            assertTrue(!session.isAlive(), "round " + round + ": the sync call ended after the kill");
            long pushed = count("central", "SELECT count(*) FROM lizsync.received_pushes WHERE clone_id = '"
                    + cloneId + "'") - pushesBefore;
            long logLeft = count("clone-a", "SELECT count(*) FROM audit.logged_actions");
            boolean pulled = count("clone-a", "SELECT count(*) FROM field.parcel WHERE code LIKE 'kc-" + round + "-%'")
                    == centralInserts - (goneC.startsWith("kc-" + round + "-") ? 1 : 0);
            String where;
            if (failure.get() != null) {
                during++;
                String openPush = mesh.one("clone-a", "SELECT open_push_id::text FROM lizsync.clone_state "
                        + "WHERE open_push_id IS NOT NULL");
                boolean unheard = openPush != null && count("central",
                        "SELECT count(*) FROM lizsync.received_pushes WHERE push_id = '" + openPush + "'") > 0;
                String step = pulled ? "4 after the pull was applied on clone-a (before or after the acknowledgement)"
                        : unheard ? "2 central committed the push, clone-a had not recorded its answer"
                        : pushed > 0 ? "3 after the push, before the pull was applied (pull streaming or applying)"
                        : "1 before central committed a push (hello, clock, push)";
                steps.merge(step, 1, Integer::sum);
                where = "during the session, " + step.substring(2) + "; " + logLeft + " log row(s) left on clone-a: "
                        + failure.get().toString().lines().findFirst().orElse("");
            } else {
                after++;
                where = "after the session ended (" + result.get().getNumberReplayedToCentral() + " to central, "
                        + result.get().getNumberReplayedToClone() + " to clone)";
            }
            report.add(String.format("round %2d: %d + %d inserts, kill after %3d ms, %s", round, inserts, centralInserts,
                    sleepMs, where));
            System.out.println("sidecarKilledAtRandomPointsOfSessions " + report.get(report.size() - 1));
            sidecar.restart(Map.of());
        }
        System.out.printf("sidecarKilledAtRandomPointsOfSessions: seed %d, %d kill(s) during a session %s, %d after it%n",
                seed, during, steps, after);

        // Sync until quiet: both clones in a row with nothing either way.
        boolean quiet = false;
        for (int attempt = 0; attempt < 30 && !quiet; attempt++) {
            try {
                SynchronizeResponse a = mesh.sync("clone-a");
                SynchronizeResponse b = mesh.sync("clone-b");
                quiet = attempt > 0 && a.getNumberReplayedToCentral() + a.getNumberReplayedToClone()
                        + b.getNumberReplayedToCentral() + b.getNumberReplayedToClone() == 0;
            } catch (StatusRuntimeException e) {
                System.out.println("sidecarKilledAtRandomPointsOfSessions: sync after the rounds failed, retrying: " + e);
                Thread.sleep(1000);
            }
        }
        assertTrue(quiet, "the clones became quiet");
        for (String node : List.of("central", "clone-a", "clone-b")) {
            Map<String, List<String>> actual = new TreeMap<>();
            try (Connection c = mesh.db(node).connect(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT code, owner FROM field.parcel WHERE code LIKE 'ka-%' "
                            + "OR code LIKE 'kc-%'")) {
                while (rs.next()) {
                    actual.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                }
            }
            Map<String, String> lost = new LinkedHashMap<>();
            Map<String, List<String>> doubled = new LinkedHashMap<>();
            Map<String, String> wrong = new LinkedHashMap<>();
            List<String> resurrected = new ArrayList<>();
            List<String> unknown = new ArrayList<>();
            expected.forEach((code, owner) -> {
                List<String> got = actual.get(code);
                if (got == null) {
                    lost.put(code, owner);
                } else if (got.size() > 1) {
                    doubled.put(code, got);
                } else if (!owner.equals(got.get(0))) {
                    wrong.put(code, "expected " + owner + ", holds " + got.get(0));
                }
            });
            actual.keySet().forEach(code -> {
                if (deleted.contains(code)) {
                    resurrected.add(code);
                } else if (!expected.containsKey(code)) {
                    unknown.add(code);
                }
            });
            String summary = node + ": " + expected.size() + " rows expected; lost " + lost.size() + " " + first(lost)
                    + ", doubled " + doubled.size() + " " + first(doubled) + ", wrong value " + wrong.size() + " "
                    + first(wrong) + ", deleted but present " + resurrected.size() + " " + first(resurrected)
                    + ", unknown " + unknown.size() + "\n" + String.join("\n", report);
            assertTrue(lost.isEmpty() && doubled.isEmpty() && wrong.isEmpty() && resurrected.isEmpty()
                    && unknown.isEmpty(), summary);
        }
        assertEquals(0, count("clone-a", "SELECT count(*) FROM audit.logged_actions"), "clone-a's log is empty");
        assertEquals(0, count("clone-b", "SELECT count(*) FROM audit.logged_actions"), "clone-b's log is empty");
        mesh.assertConverged();
        assertTrue(during > 0, "at least one kill landed during a session\n" + String.join("\n", report));
    }

    private static String first(Map<String, ?> m) {
        return m.entrySet().stream().limit(10).toList().toString();
    }

    private static String first(List<String> l) {
        return l.stream().limit(10).toList().toString();
    }
}
