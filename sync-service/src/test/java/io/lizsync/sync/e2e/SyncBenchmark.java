package io.lizsync.sync.e2e;

import io.lizsync.proto.sync.v1.CloneAgentGrpc;
import io.lizsync.proto.sync.v1.SynchronizeRequest;
import io.lizsync.testkit.PgCluster;
import io.lizsync.testkit.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The figures of issue 2/7, measured side by side on the same clusters in one run (not a test:
 * run by scripts/bench.sh). Results go to stdout and target/bench/sync-bench.txt.
 * {@code -Dbench.updates=N} sets the backlog size (default 10000), {@code -Dbench.rounds=R} measures
 * each direction R times (ours and logical replication in each round, the median ratio reported),
 * {@code -Dbench.quick=true} stops after the mixed run (no idle round trip, bytes or capture cost).
 */
class SyncBenchmark {

    static final int ROWS = 100_000;
    static final int WARM_UP_ROUNDS = Integer.getInteger("bench.warmup", 1);

    static String ddl(String table) {
        return "CREATE SCHEMA IF NOT EXISTS bench;"
                + "CREATE TABLE bench." + table + " (id serial PRIMARY KEY, uid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),"
                + " n integer NOT NULL DEFAULT 0, label text);"
                + "INSERT INTO bench." + table + " (uid, label) SELECT md5('item' || g)::uuid, 'item ' || g "
                + "FROM generate_series(1, " + ROWS + ") g;";
    }

    private final Map<String, String> results = new LinkedHashMap<>();

    @Test
    void run() throws Exception {
        int n = Integer.getInteger("bench.updates", 10_000);
        TcpProxy[] proxy = new TcpProxy[1];
        // -Dbench.tls=true: central serves TLS only and the sidecars verify it (as deployed).
        boolean tls = Boolean.getBoolean("bench.tls");
        results.put("links", tls ? "sidecars to central over verified TLS" : "plain text on loopback");
        try (Mesh mesh = Mesh.start(ddl("item"), "bench", List.<String[]>of(new String[] {"bench", "item"}), (clone, port) -> {
            if (!clone.equals("wire")) {
                return port;
            }
            try {
                proxy[0] = new TcpProxy(port);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            return proxy[0].port();
        }, tls, "clone", "wire")) {
            mesh.sync("clone");
            mesh.sync("wire");
            PgCluster central = mesh.db("central");
            PgCluster clone = mesh.db("clone");

            // Logical replication over the same two servers, in databases of their own.
            central.createDatabase("lr");
            clone.createDatabase("lr");
            for (PgCluster db : List.of(central, clone)) {
                exec(db, "lr", ddl("down") + ddl("up"));
            }
            exec(central, "lr", "CREATE PUBLICATION down_pub FOR TABLE bench.down");
            exec(clone, "lr", "CREATE PUBLICATION up_pub FOR TABLE bench.up");
            exec(clone, "lr", subscription("down_sub", central, "down_pub"));
            exec(central, "lr", subscription("up_sub", clone, "up_pub"));

            // Warm-up: one unmeasured round each way, so that the services run compiled code as
            // a long-running sidecar does (the JIT compiles during this round, not the measured one).
            for (int w = 0; w < WARM_UP_ROUNDS; w++) {
                updates(central, "lizsync", "bench.item", n, "warm-down" + w);
                mesh.sync("clone");
                updates(clone, "lizsync", "bench.item", n, "warm-up" + w);
                mesh.sync("clone");
            }

            // Each direction, -Dbench.rounds=R times (default 1), ours and logical replication in
            // each round: the median ratio of R interleaved rounds is the figure on a loaded machine.
            int rounds = Integer.getInteger("bench.rounds", 1);
            List<long[]> down = new ArrayList<>();
            List<long[]> up = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                // central -> clone
                updates(central, "lizsync", "bench.item", n, "c2c" + r);
                long ours = timed(() -> mesh.sync("clone"));
                down.add(new long[] {ours, logicalCatchUp(central, clone, "down", "down_sub", n)});
                // clone -> central
                updates(clone, "lizsync", "bench.item", n, "k2c" + r);
                long oursUp = timed(() -> mesh.sync("clone"));
                up.add(new long[] {oursUp, logicalCatchUp(clone, central, "up", "up_sub", n)});
            }
            long ours = record("central -> clone, " + n + " single-row UPDATEs", down);
            long oursUp = record("clone -> central, " + n + " single-row UPDATEs", up);

            // mixed: half on each side, a quarter of all on the same rows
            mesh.sync("wire");
            updatesRange(central, "bench.item", 1, n / 2, "mix-central");
            updatesRange(clone, "bench.item", n / 4 + 1, n / 4 + n / 2, "mix-clone");
            long mixed = timed(() -> mesh.sync("clone"));
            results.put("mixed " + n + " (half each side, a quarter conflicting)",
                    ms(mixed) + " ms = " + ratio(mixed, ours) + " x the central -> clone time, " + ratio(mixed, oursUp)
                            + " x the clone -> central time (target <= 1.5)");

            if (Boolean.getBoolean("bench.quick")) {
                results.put("quick", "-Dbench.quick: idle round trip, bytes and capture cost not measured");
                write();
                return;
            }
            // idle round trip: steady state (a client or scheduler asking the sidecar again and
            // again over its connection), after a warm-up; also a client connecting for each call
            var agent = CloneAgentGrpc.newBlockingStub(mesh.channel(mesh.sidecars.get("clone").port)).withCallCredentials(Mesh.ADMIN);
            for (int i = 0; i < 30; i++) {
                agent.synchronize(SynchronizeRequest.getDefaultInstance());
            }
            List<Long> idle = new ArrayList<>();
            List<Long> session = new ArrayList<>();
            List<Long> connecting = new ArrayList<>();
            for (int i = 0; i < 51; i++) {
                long[] inside = new long[1];
                idle.add(timed(() -> inside[0] = agent.withDeadlineAfter(60, TimeUnit.SECONDS)
                        .synchronize(SynchronizeRequest.getDefaultInstance()).getDurationMs()));
                session.add(inside[0]);
                connecting.add(timed(() -> mesh.sync("clone")));
            }
            Collections.sort(idle);
            Collections.sort(session);
            Collections.sort(connecting);
            results.put("idle sync round trip (median of 51, after 30 warm-up)", String.format(
                    "%.1f ms (target <= 20 ms); inside the sidecar %d ms; a client connecting for each call %.1f ms",
                    idle.get(25) / 1e6, session.get(25), connecting.get(25) / 1e6));

            // bytes on the wire for one single-field update (clone "wire" talks through the proxy)
            mesh.sync("wire");
            proxy[0].resetCounters();
            mesh.sync("wire");
            long idleBytes = proxy[0].bytesToClient() + proxy[0].bytesToServer();
            mesh.sql("wire", "UPDATE bench.item SET label = 'one field' WHERE id = 42");
            proxy[0].resetCounters();
            mesh.sync("wire");
            long oneBytes = proxy[0].bytesToClient() + proxy[0].bytesToServer();
            results.put("bytes on the wire, sync with one single-field update", oneBytes + " B (idle session "
                    + idleBytes + " B, difference " + (oneBytes - idleBytes) + " B)");

            // write throughput with and without capture: three alternating pairs (the machine's
            // speed drifts), the median of their ratios; CPU-bound (the test clusters run with
            // fsync off) and under PostgreSQL's default durability, as users run it
            captureCost(central, "pgbench single-row UPDATE, 2 clients, 3 x 5 s each way, fsync off");
            exec(central, "lizsync", "ALTER SYSTEM SET fsync = on");
            exec(central, "lizsync", "ALTER SYSTEM SET synchronous_commit = on");
            exec(central, "lizsync", "ALTER SYSTEM SET full_page_writes = on");
            exec(central, "lizsync", "SELECT pg_reload_conf()");
            try {
                captureCost(central, "the same under default durability (fsync, synchronous_commit on)");
            } finally {
                exec(central, "lizsync", "ALTER SYSTEM RESET fsync");
                exec(central, "lizsync", "ALTER SYSTEM RESET synchronous_commit");
                exec(central, "lizsync", "ALTER SYSTEM RESET full_page_writes");
                exec(central, "lizsync", "SELECT pg_reload_conf()");
            }
        } finally {
            if (proxy[0] != null) {
                proxy[0].close();
            }
        }
        write();
    }

    private void write() throws java.io.IOException {
        StringBuilder out = new StringBuilder("LizSync mesh sync benchmark (same run, same clusters)\n");
        results.forEach((k, v) -> out.append(String.format("  %-58s %s%n", k, v)));
        System.out.print(out);
        Path file = Path.of("target", "bench", "sync-bench.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, out);
    }

    /** pgbench with and without the capture trigger, three alternating pairs, the median of their ratios. */
    private void captureCost(PgCluster central, String what) throws Exception {
        List<double[]> pairs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            double with = pgbench(central);
            exec(central, "lizsync", "ALTER TABLE bench.item DISABLE TRIGGER lizsync_audit");
            double without = pgbench(central);
            exec(central, "lizsync", "ALTER TABLE bench.item ENABLE TRIGGER lizsync_audit");
            pairs.add(new double[] {with, without, with / without});
        }
        pairs.sort((a, b) -> Double.compare(a[2], b[2]));
        StringBuilder each = new StringBuilder();
        pairs.forEach(p -> each.append(each.length() == 0 ? "" : ", ").append(String.format("%.0f %%", 100 * p[2])));
        double[] mid = pairs.get(1);
        results.put(what, String.format("%.0f tps with capture, %.0f tps without: %.0f %% kept, median of %s "
                + "(target >= 85 %%)", mid[0], mid[1], 100 * mid[2], each));
    }

    /** Records rounds of (ours, logical replication); returns our median time. */
    private long record(String what, List<long[]> rounds) {
        List<long[]> sorted = new ArrayList<>(rounds);
        sorted.sort((a, b) -> Double.compare((double) a[0] / a[1], (double) b[0] / b[1]));
        long[] mid = sorted.get(sorted.size() / 2);
        StringBuilder each = new StringBuilder();
        rounds.forEach(r -> each.append(each.length() == 0 ? "" : ", ").append(ratio(r[0], r[1])));
        results.put(what, String.format("ours %d ms, logical replication %d ms: %s x (target <= 1.0)%s", ms(mid[0]),
                ms(mid[1]), ratio(mid[0], mid[1]), rounds.size() == 1 ? ""
                        : "; median of " + rounds.size() + " interleaved rounds: " + each));
        List<Long> ours = new ArrayList<>();
        rounds.forEach(r -> ours.add(r[0]));
        Collections.sort(ours);
        return ours.get(ours.size() / 2);
    }

    private static String subscription(String name, PgCluster publisher, String publication) {
        return "CREATE SUBSCRIPTION " + name + " CONNECTION 'host=127.0.0.1 port=" + publisher.port()
                + " dbname=lr user=" + publisher.user() + " password=" + publisher.password() + "' PUBLICATION "
                + publication + " WITH (copy_data = false, enabled = false)";
    }

    /** n updates on the publisher with the subscription disabled, then the time to catch up once enabled. */
    private static long logicalCatchUp(PgCluster pub, PgCluster sub, String table, String subscription, int n)
            throws Exception {
        updates(pub, "lr", "bench." + table, n, "lr");
        String marker = "done-" + System.nanoTime();
        exec(pub, "lr", "UPDATE bench." + table + " SET label = '" + marker + "' WHERE id = " + ROWS);
        long start = System.nanoTime();
        exec(sub, "lr", "ALTER SUBSCRIPTION " + subscription + " ENABLE");
        try (Connection c = sub.connect("lr"); PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM bench." + table + " WHERE id = " + ROWS + " AND label = ?")) {
            ps.setString(1, marker);
            long deadline = start + Duration.ofMinutes(10).toNanos();
            while (System.nanoTime() < deadline) {
                try (var rs = ps.executeQuery()) {
                    if (rs.next()) {
                        long t = System.nanoTime() - start;
                        exec(sub, "lr", "ALTER SUBSCRIPTION " + subscription + " DISABLE");
                        return t;
                    }
                }
                Thread.sleep(2);
            }
        }
        throw new IllegalStateException("logical replication did not catch up in 10 minutes");
    }

    private static void updates(PgCluster db, String database, String table, int n, String tag) throws Exception {
        try (Connection c = db.connect(database); PreparedStatement ps = c.prepareStatement(
                "UPDATE " + table + " SET n = n + 1, label = ? WHERE id = ?")) {
            c.setAutoCommit(true);
            for (int i = 0; i < n; i++) {
                ps.setString(1, tag + " " + i);
                ps.setInt(2, 1 + (int) ((i * 7919L) % (ROWS - 1)));
                ps.executeUpdate();
            }
        }
    }

    private static void updatesRange(PgCluster db, String table, int from, int to, String tag) throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "UPDATE " + table + " SET label = ? WHERE id = ?")) {
            for (int id = from; id <= to; id++) {
                ps.setString(1, tag);
                ps.setInt(2, id);
                ps.executeUpdate();
            }
        }
    }

    private static double pgbench(PgCluster db) throws Exception {
        Path script = Files.createTempFile("bench-update", ".sql");
        Files.writeString(script, "\\set id random(1, " + ROWS + ")\nUPDATE bench.item SET n = n + 1 WHERE id = :id;\n");
        String bin = System.getenv().getOrDefault("LIZSYNC_PG_BIN", "/usr/lib/postgresql/15/bin") + "/pgbench";
        List<String> cmd = new ArrayList<>(List.of(bin, "-n", "-c", "2", "-j", "2", "-T", "5", "-f",
                script.toString(), "-h", "127.0.0.1", "-p", Integer.toString(db.port()), "-U", db.user(), db.database()));
        var r = ProcessRunner.check(cmd, Duration.ofMinutes(2), Map.of("PGPASSWORD", db.password()));
        Matcher m = Pattern.compile("tps = ([0-9.]+)").matcher(r.output());
        if (!m.find()) {
            throw new IllegalStateException("no tps in pgbench output: " + r.output());
        }
        return Double.parseDouble(m.group(1));
    }

    private static void exec(PgCluster db, String database, String sql) throws Exception {
        try (Connection c = db.connect(database); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private interface Timed {
        void run() throws Exception;
    }

    private static long timed(Timed t) throws Exception {
        long start = System.nanoTime();
        t.run();
        return System.nanoTime() - start;
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    private static String ratio(long a, long b) {
        return String.format("%.2f", (double) a / b);
    }
}
