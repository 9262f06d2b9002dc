package io.lizsync.sync.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lizsync.testkit.RssSampler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Benchmark (not a test: run by scripts/bench.sh push [N]): a clone pushes N changes (default
 * 1 000 000 inserted rows) in one session while every service runs with a 128 MiB heap; central's
 * and the sidecar's peak resident set are sampled every 100 ms. Central folds and applies the
 * push batch by batch (ADR 0008): its memory must not grow with N.
 */
class PushMemoryBenchmark {

    @Test
    void run() throws Exception {
        int n = Integer.getInteger("bench.changes", 1_000_000);
        String heap = System.getProperty("bench.heap", "-Xmx128m");
        System.setProperty("lizsync.e2e.jvm-opts", heap + " -XX:+UseSerialGC");
        Map<String, String> results = new LinkedHashMap<>();
        try (Mesh mesh = Mesh.start(SyncBenchmark.ddl("item"), "bench", List.<String[]>of(new String[] {"bench", "item"}),
                "clone")) {
            mesh.sync("clone");
            long t0 = System.nanoTime();
            mesh.sql("clone", "INSERT INTO bench.item (n, label) SELECT g, 'pushed ' || g FROM generate_series(1, " + n + ") g");
            results.put("rows written on the clone (with capture)", ms(System.nanoTime() - t0) + " ms");
            Map<String, Long> pids = Map.of("central", mesh.central.pid(), "sidecar", mesh.sidecars.get("clone").pid());
            Map<String, Long> idle = new LinkedHashMap<>();
            pids.forEach((name, pid) -> idle.put(name, RssSampler.procKb(pid, "VmRSS")));
            Map<String, Long> peaks;
            long t1 = System.nanoTime();
            try (RssSampler rss = new RssSampler(pids)) {
                var r = mesh.sync("clone");
                assertEquals(1, r.getStatus(), r.getMessage());
                assertEquals(n, r.getNumberReplayedToCentral());
                peaks = rss.takePeaks();
            }
            long took = ms(System.nanoTime() - t1);
            assertEquals(Long.toString(n), mesh.one("central", "SELECT count(*) FROM bench.item WHERE label LIKE 'pushed %'"));
            results.put("JVM options of every service", heap + " -XX:+UseSerialGC");
            results.put("push of " + n + " changes (one session)", took + " ms");
            for (String p : List.of("central", "sidecar")) {
                results.put(p + " RSS idle / peak during the push / VmHWM", mb(idle.get(p)) + " / " + mb(peaks.get(p))
                        + " / " + mb(RssSampler.procKb(pids.get(p), "VmHWM")));
            }
        }
        StringBuilder out = new StringBuilder("push memory benchmark\n");
        results.forEach((k, v) -> out.append(String.format("  %-55s %s%n", k, v)));
        Path file = Path.of("target", "bench", "push-memory-bench.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, out.toString());
        System.out.print(out);
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    private static String mb(long kb) {
        return String.format("%.0f MB", kb / 1024.0);
    }
}
