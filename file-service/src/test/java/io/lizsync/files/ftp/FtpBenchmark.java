package io.lizsync.files.ftp;

import io.lizsync.testkit.FtpTestServer;
import io.lizsync.testkit.ProcessRunner;
import io.lizsync.testkit.RssSampler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The FTP figures (not a test: {@code scripts/bench.sh ftp [MB]}), on loopback, against
 * Debian's vsftpd (LIST + MDTM, as field servers) and Apache FtpServer (MLSD), side by side with
 * {@code lftp mirror} in the same run and on the same files: 1 000 small files; a second mirror
 * with nothing changed against the listing alone; one big file ({@code bench.mb}, default 1024)
 * with this JVM's resident memory sampled during it. Both sides use 4 parallel transfers. The
 * small-file figures are medians of {@code bench.rounds} (5) rounds, the nothing-changed ones of
 * {@code bench.nothing-rounds} (21), the order alternating, every round printed with the load
 * average; {@code bench.servers} ("vsftpd,apache") chooses the servers. The unmeasured warm-up
 * runs each measured path once (a download of every file, a nothing-changed mirror, a listing), as
 * a long-running file-service has, and both nothing-changed sides again before their rounds. Our
 * nothing-changed mirror is also printed by phase, with its local side's CPU time (load-robust).
 * Results: stdout and {@code file-service/target/bench/ftp-bench.txt}.
 */
class FtpBenchmark {

    private static final int FILES = 1000;
    private static final int PARALLEL = 4;
    /** Rounds of the small-file figures: the load of a shared host makes single runs noisy. */
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 5);
    /** Rounds of the nothing-changed figures (tens of milliseconds each: more rounds, a steadier median). */
    private static final int NOTHING_ROUNDS = Integer.getInteger("bench.nothing-rounds", 21);

    @Test
    void figures() throws Exception {
        int mb = Integer.getInteger("bench.mb", 1024);
        Path work = Files.createTempDirectory("lizsync-ftp-bench-");
        List<String> out = new ArrayList<>();
        out.add("FTP mirror benchmark, loopback, " + FILES + " small files and one " + mb + " MiB file, "
                + PARALLEL + " parallel transfers each side, after one unmeasured mirror of the small files, "
                + Instant.now());
        try {
            String servers = System.getProperty("bench.servers", "vsftpd,apache");
            if (servers.contains("vsftpd")) {
                try (Vsftpd v = Vsftpd.start(List.of())) {
                    Path remote = v.pub();
                    seed(remote, mb);
                    FtpEndpoint e = v.endpoint(FtpEndpoint.Tls.NONE, Optional.empty());
                    run("vsftpd (LIST + MDTM)", e, v.pub(), "anonymous,", work, mb, out);
                }
            }
            if (servers.contains("apache")) {
                FtpTestServer a = MirrorFixtures.ftpServer(0);
                try {
                    seed(a.home(), mb);
                    FtpEndpoint e = MirrorFixtures.endpoint(a, "");
                    run("Apache FtpServer (MLSD)", e, a.home(), FtpTestServer.USER + "," + a.password(), work, mb, out);
                } finally {
                    MirrorFixtures.closeAndDelete(a);
                }
            }
        } finally {
            MirrorFixtures.deleteTree(work);
        }
        Path file = Path.of("target/bench/ftp-bench.txt");
        Files.createDirectories(file.getParent());
        Files.write(file, out, StandardCharsets.UTF_8);
        out.forEach(System.out::println);
    }

    private static void seed(Path root, int mb) throws IOException {
        Random r = new Random(42);
        for (int i = 0; i < FILES; i++) {
            byte[] b = new byte[1024 + r.nextInt(3072)];
            r.nextBytes(b);
            MirrorFixtures.writeBytes(root, "small/d" + (i % 10) + "/f" + i + ".bin", b);
        }
        Path big = root.resolve("big/big.bin");
        Files.createDirectories(big.getParent());
        byte[] chunk = new byte[1024 * 1024];
        r.nextBytes(chunk);
        try (OutputStream o = Files.newOutputStream(big)) {
            for (int i = 0; i < mb; i++) {
                o.write(chunk);
            }
        }
        Vsftpd.chownFtp(root.resolve("small"));
    }

    private static void run(String server, FtpEndpoint e, Path remoteRoot, String lftpUser, Path work, int mb,
            List<String> out) throws Exception {
        out.add("");
        out.add("== " + server + " (load average at the start: " + loadAverage() + ")");
        String base = e.remoteDir().isEmpty() ? "" : e.remoteDir();
        // Warm-up (unmeasured): the service is a long-running JVM; this one is fresh. Every measured
        // path once: a download of every file, a mirror with nothing changed, a listing alone.
        Path warm = work.resolve(server.hashCode() + "-warm-up");
        var warmUp = new Mirror.Options(Mirror.Direction.DOWNLOAD, e, "small", warm, Exclusions.NONE, false, false,
                Duration.ofSeconds(2), PARALLEL, work.resolve(server.hashCode() + "-warm.tsv"));
        check(Mirror.run(warmUp, Mirror.Listener.NONE, () -> false), FILES);
        check(Mirror.run(warmUp, Mirror.Listener.NONE, () -> false), 0);
        try (FtpSession s = FtpSession.open(e)) {
            RemoteTree.list(s, s.absolute(SafeNames.join(e.remoteDir(), "small")), Exclusions.NONE);
        }
        MirrorFixtures.deleteTree(warm);
        // 1 000 small files, ROUNDS times, the order alternating: the median of each side and of the ratios
        Path oursSmall = work.resolve(server.hashCode() + "-ours-small");
        Path lftpSmall = work.resolve(server.hashCode() + "-lftp-small");
        var small = new Mirror.Options(Mirror.Direction.DOWNLOAD, e, "small", oursSmall, Exclusions.NONE, false, false,
                Duration.ofSeconds(2), PARALLEL, work.resolve(server.hashCode() + "-small.tsv"));
        long[] ours = new long[ROUNDS];
        long[] lftp = new long[ROUNDS];
        // Each side's copy is deleted right before its own run: deleting both before the first run
        // made the first of each pair the slower (ext4 still committing 2 000 unlinks), which the
        // median of 5 alternating rounds then charged 3 times to one side.
        Work clearOurs = () -> {
            MirrorFixtures.deleteTree(oursSmall);
            Files.deleteIfExists(small.cacheFile());
        };
        Work clearLftp = () -> MirrorFixtures.deleteTree(lftpSmall);
        for (int i = 0; i < ROUNDS; i++) {
            Work o = () -> check(Mirror.run(small, Mirror.Listener.NONE, () -> false), FILES);
            Work l = () -> lftp(e, lftpUser, base + "/small", lftpSmall);
            if (i % 2 == 0) {
                clearOurs.run();
                ours[i] = timed(o);
                clearLftp.run();
                lftp[i] = timed(l);
            } else {
                clearLftp.run();
                lftp[i] = timed(l);
                clearOurs.run();
                ours[i] = timed(o);
            }
        }
        out.add(String.format("1 000 small files: ours %d ms, lftp mirror %d ms, ratio %.2f (target <= 1.0); "
                + "medians of %d rounds, ratios %s", median(ours), median(lftp), medianRatio(ours, lftp), ROUNDS,
                ratios(ours, lftp)));
        out.add("  rounds (ours/lftp ms): " + rounds(ours, lftp) + "; load average " + loadAverage());
        // nothing changed: against the listing alone, NOTHING_ROUNDS times interleaved
        long[] listing = new long[NOTHING_ROUNDS];
        long[] again = new long[NOTHING_ROUNDS];
        long[] lftpAgain = new long[NOTHING_ROUNDS];
        Phases phases = new Phases(NOTHING_ROUNDS);
        Work list = () -> {
            try (FtpSession s = FtpSession.open(e)) {
                RemoteTree.list(s, s.absolute(SafeNames.join(e.remoteDir(), "small")), Exclusions.NONE);
            }
        };
        // The same warm-up for both sides: the small-file rounds listed the tree ROUNDS times, but
        // walked no local files nor decided a skip (a fresh JIT would be measured, not the mirror).
        for (int i = 0; i < ROUNDS + 5; i++) {
            list.run();
            check(Mirror.run(small, Mirror.Listener.NONE, () -> false), 0);
        }
        for (int i = 0; i < NOTHING_ROUNDS; i++) {
            int round = i;
            Mirror.Listener stamps = phases.round(i);
            Work second = () -> {
                MirrorReport r = Mirror.run(small, stamps, () -> false);
                if (r.transferred() != 0 || r.skipped() != FILES) {
                    throw new IllegalStateException("second run transferred something: " + r.summary());
                }
                phases.end(round);
            };
            if (i % 2 == 0) {
                listing[i] = timed(list);
                again[i] = timed(second);
            } else {
                again[i] = timed(second);
                listing[i] = timed(list);
            }
            lftpAgain[i] = timed(() -> lftp(e, lftpUser, base + "/small", lftpSmall));
        }
        out.add(String.format("second mirror, nothing changed: ours %d ms, listing alone (connect + list) %d ms, "
                + "ratio %.2f (target <= 1.2), medians of %d rounds, ratios %s; lftp's second mirror %d ms", median(again),
                median(listing), medianRatio(again, listing), NOTHING_ROUNDS, ratios(again, listing), median(lftpAgain)));
        out.add("  rounds (ours/listing ms): " + rounds(again, listing) + "; load average " + loadAverage());
        out.add("  ours by phase (medians, ms): " + phases.summary() + "; the local side's CPU on one thread (medians, ms): "
                + localSideCpu(small));
        // one big file, memory sampled
        Path oursBig = work.resolve(server.hashCode() + "-ours-big");
        var big = new Mirror.Options(Mirror.Direction.DOWNLOAD, e, "big", oursBig, Exclusions.NONE, false, false,
                Duration.ofSeconds(2), PARALLEL, work.resolve(server.hashCode() + "-big.tsv"));
        System.gc();
        long pid = ProcessHandle.current().pid();
        long bigMs;
        Map<String, Long> peaks;
        long before;
        try (RssSampler rss = new RssSampler(Map.of("jvm", pid))) {
            before = rss.takePeaks().get("jvm");
            bigMs = timed(() -> check(Mirror.run(big, Mirror.Listener.NONE, () -> false), 1));
            peaks = rss.takePeaks();
        }
        Files.deleteIfExists(oursBig.resolve("big.bin"));
        Path lftpBig = work.resolve(server.hashCode() + "-lftp-big");
        long lftpBigMs = timed(() -> lftp(e, lftpUser, base + "/big", lftpBig));
        Files.deleteIfExists(lftpBig.resolve("big.bin"));
        out.add(String.format("one %d MiB file: ours %d ms (%.0f MiB/s), lftp mirror %d ms (%.0f MiB/s), ratio %.2f",
                mb, bigMs, mb * 1000.0 / bigMs, lftpBigMs, mb * 1000.0 / lftpBigMs, (double) bigMs / lftpBigMs));
        out.add(String.format("this JVM's resident memory: %d MiB before, peak %d MiB during the big file (+%d MiB)",
                before / 1024, peaks.get("jvm") / 1024, (peaks.get("jvm") - before) / 1024));
    }

    private static void check(MirrorReport r, int expected) {
        if (r.fatal() != null || r.transferred() != expected) {
            throw new IllegalStateException("mirror: " + r.summary() + (r.fatal() == null ? "" : " " + r.fatal().getMessage()));
        }
    }

    private static void lftp(FtpEndpoint e, String user, String remote, Path local) throws IOException {
        Files.createDirectories(local);
        ProcessRunner.check(List.of("lftp", "-u", user, "-p", String.valueOf(e.port()), "-e",
                "set ftp:ssl-allow no; set net:max-retries 1; mirror --parallel=" + PARALLEL + " " + remote + " " + local
                        + "; quit", "127.0.0.1"), Duration.ofMinutes(10));
    }

    private static long median(long[] v) {
        long[] c = v.clone();
        java.util.Arrays.sort(c);
        return c[c.length / 2];
    }

    private static double medianRatio(long[] a, long[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = (double) a[i] / b[i];
        }
        java.util.Arrays.sort(r);
        return r[r.length / 2];
    }

    private static String rounds(long[] a, long[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < a.length; i++) {
            s.append(i == 0 ? "" : " ").append(a[i]).append('/').append(b[i]);
        }
        return s.toString();
    }

    /** The last minute's load average (the host is shared: figures are read against it). */
    private static String loadAverage() {
        double l = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return l < 0 ? "unknown" : String.format("%.2f (1 min)", l);
    }

    private static String ratios(long[] a, long[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < a.length; i++) {
            s.append(i == 0 ? "" : " ").append(String.format("%.2f", (double) a[i] / b[i]));
        }
        return s.toString();
    }

    /**
     * The CPU time of a nothing-changed mirror's local side, on this thread, without the server
     * (load-robust, unlike wall-clock figures): the walk of the local folder, the cache read, the plan.
     */
    private static String localSideCpu(Mirror.Options o) throws Exception {
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        Listing remote = LocalTree.list(o.localDir(), Exclusions.NONE); // the same names, sizes and times
        long[] walk = new long[NOTHING_ROUNDS];
        long[] cache = new long[NOTHING_ROUNDS];
        long[] plan = new long[NOTHING_ROUNDS];
        for (int i = 0; i < NOTHING_ROUNDS; i++) {
            long t0 = threads.getCurrentThreadCpuTime();
            Listing local = LocalTree.list(o.localDir(), o.exclusions());
            long t1 = threads.getCurrentThreadCpuTime();
            Map<String, MirrorPlan.Cached> cached = MirrorCache.load(o.cacheFile());
            long t2 = threads.getCurrentThreadCpuTime();
            List<MirrorPlan.Step> steps = MirrorPlan.plan(remote.files(), local.files(), cached, o.tolerance(), false, false);
            long t3 = threads.getCurrentThreadCpuTime();
            if (steps.stream().anyMatch(s -> s.kind() != MirrorPlan.Kind.SKIP)) {
                throw new IllegalStateException("a nothing-changed plan would transfer");
            }
            walk[i] = t1 - t0;
            cache[i] = t2 - t1;
            plan[i] = t3 - t2;
        }
        return String.format("walk of %d files %.2f, cache read %.2f, plan %.2f", FILES, median(walk) / 1e6,
                median(cache) / 1e6, median(plan) / 1e6);
    }

    /** A nothing-changed mirror's steps stamped (its listener): login, listing (and the local side's join), the rest. */
    private static final class Phases {
        private final long[][] stamps;

        Phases(int rounds) {
            stamps = new long[rounds][4];
        }

        Mirror.Listener round(int i) {
            return new Mirror.Listener() {
                @Override
                public void step(String step) {
                    switch (step) {
                        case "connect" -> stamps[i][0] = System.nanoTime();
                        case "list" -> stamps[i][1] = System.nanoTime();
                        case "compare" -> stamps[i][2] = System.nanoTime();
                        default -> {
                        }
                    }
                }

                @Override
                public void bytes(long done, long total) {
                }
            };
        }

        void end(int i) {
            stamps[i][3] = System.nanoTime();
        }

        String summary() {
            long[] login = new long[stamps.length];
            long[] listing = new long[stamps.length];
            long[] rest = new long[stamps.length];
            for (int i = 0; i < stamps.length; i++) {
                login[i] = stamps[i][1] - stamps[i][0];
                listing[i] = stamps[i][2] - stamps[i][1];
                rest[i] = stamps[i][3] - stamps[i][2];
            }
            return String.format("connect + login %.2f, remote listing and local side's join %.2f, compare to the end "
                    + "(incl. QUIT) %.2f", median(login) / 1e6, median(listing) / 1e6, median(rest) / 1e6);
        }
    }

    interface Work {
        void run() throws Exception;
    }

    private static long timed(Work w) throws Exception {
        long t = System.nanoTime();
        w.run();
        return (System.nanoTime() - t) / 1_000_000;
    }
}
