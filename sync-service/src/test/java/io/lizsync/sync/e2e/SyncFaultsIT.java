package io.lizsync.sync.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.StatusRuntimeException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults: a sidecar killed between push and pull and between applying a pull and acknowledging
 * it, the link cut in the middle of a stream (a TCP proxy between clone-b and central), central's
 * PostgreSQL restarted while it applies a push. Afterwards: converged, nothing lost, nothing twice.
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

    @Test
    void sidecarKilledBetweenPushAndPull() throws Exception {
        mesh.sql("central", "INSERT INTO field.parcel (code, area) VALUES ('P-1', 10)");
        mesh.sync("clone-a");
        mesh.sql("clone-a", "UPDATE field.parcel SET area = area + 1 WHERE code = 'P-1'",
                "INSERT INTO field.parcel (code, area) VALUES ('P-new', 1)");
        long pushesBefore = count("central", "SELECT count(*) FROM lizsync.received_pushes");
        var sidecar = mesh.sidecars.get("clone-a");
        sidecar.restart(crashAt("after-push"));
        assertThrows(StatusRuntimeException.class, () -> mesh.sync("clone-a"), "the sidecar dies mid-session");
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
        mesh.assertConverged();
    }

    @Test
    void sidecarKilledBetweenApplyingAPullAndAcknowledgingIt() throws Exception {
        mesh.sql("central", "INSERT INTO field.parcel (code, owner) SELECT 'A-' || g, 'central' FROM generate_series(1, 50) g");
        var sidecar = mesh.sidecars.get("clone-a");
        sidecar.restart(crashAt("after-apply"));
        assertThrows(StatusRuntimeException.class, () -> mesh.sync("clone-a"));
        assertEquals(50, count("clone-a", "SELECT count(*) FROM field.parcel WHERE code LIKE 'A-%'"),
                "the pull was applied locally with its cursor");
        sidecar.restart(noCrash());
        var r = mesh.sync("clone-a");
        assertEquals(0, r.getNumberReplayedToClone(), "central adopts the clone's cursor: nothing is applied twice");
        mesh.sync("clone-b");
        mesh.assertConverged();
    }

    @Test
    void connectionCutInTheMiddleOfAPull() throws Exception {
        mesh.sync("clone-b");
        long before = count("clone-b", "SELECT count(*) FROM field.parcel");
        mesh.sql("central", "INSERT INTO field.parcel (code, owner, geom) SELECT 'N-' || g, repeat('x', 200), "
                + "ST_Buffer(ST_SetSRID(ST_MakePoint(g, g), 2154), 5, 16) FROM generate_series(1, 3000) g");
        proxy.cutAfter(64 * 1024);
        assertThrows(StatusRuntimeException.class, () -> mesh.sync("clone-b"));
        assertTrue(proxy.bytesToClient() >= 64 * 1024, "the link was cut mid-stream");
        assertEquals(before, count("clone-b", "SELECT count(*) FROM field.parcel"),
                "a pull that did not arrive whole applied nothing");
        proxy.heal();
        var r = mesh.sync("clone-b");
        assertEquals(3000, r.getNumberReplayedToClone());
        mesh.sync("clone-a");
        mesh.assertConverged();
    }

    @Test
    void centralPostgresRestartedWhileApplyingAPush() throws Exception {
        mesh.sync("clone-a");
        mesh.sql("clone-a", "INSERT INTO field.note (body) SELECT 'bulk ' || g FROM generate_series(1, 20000) g");
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread session = new Thread(() -> {
            try {
                mesh.sync("clone-a");
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        session.start();
        // Wait until central is applying the push, then restart its server under it.
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline && count("central",
                "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'INSERT INTO \"field\".\"note\"%'") == 0
                && session.isAlive()) {
            Thread.sleep(5);
        }
        mesh.db("central").restart();
        session.join();
        for (int attempt = 0; attempt < 20; attempt++) {
            try {
                mesh.sync("clone-a");
                break;
            } catch (StatusRuntimeException e) {
                Thread.sleep(500);
            }
        }
        assertEquals(20000, count("central", "SELECT count(*) FROM field.note WHERE body LIKE 'bulk %'"),
                "every row exactly once (restart " + (failure.get() == null ? "after" : "during") + " the apply)");
        assertEquals(0, count("clone-a", "SELECT count(*) FROM audit.logged_actions"));
        mesh.sync("clone-b");
        mesh.assertConverged();
    }
}
