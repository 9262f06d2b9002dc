package io.lizsync.testkit;

import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs a process with its wall clock shifted by a fixed offset, using Debian's libfaketime
 * (package {@code faketime}, installed by {@code scripts/setup.sh}) through {@code LD_PRELOAD}.
 *
 * <p>Only the wall clock is shifted ({@code FAKETIME_DONT_FAKE_MONOTONIC=1}): timeouts, sleeps and
 * JVMs, which hang when their monotonic clock jumps, behave normally. Child processes inherit the
 * offset. {@link #environment(Duration)} gives the variables for any process (e.g. a JVM started by
 * an end-to-end test); {@link PgCluster.Options#clockOffset(Duration)} starts a whole cluster so.
 *
 * <p>Known limit: libfaketime does not shift the time seen inside a signal handler that interrupts
 * one of its wrapped waits, so a few of the postmaster's own log lines carry the real time. Queries
 * ({@code now()}, {@code clock_timestamp()}) and everything a backend or worker writes are shifted.
 */
public final class FakeClock {

    /** System property, then environment variable, naming libfaketime.so.1 when it is not found. */
    public static final String LIBRARY_PROPERTY = "lizsync.testkit.libfaketime";
    public static final String LIBRARY_ENV = "LIZSYNC_LIBFAKETIME";
    static final String LIBRARY_NAME = "libfaketime.so.1";

    private static final Duration POLL = Duration.ofMillis(100);
    private static volatile Path library;

    private FakeClock() {
    }

    /**
     * libfaketime's single-threaded library: the configured path, else the one Debian installs for
     * this machine's architecture ({@code /usr/lib/<multiarch>/faketime/}), else other usual places.
     */
    public static Path library() {
        Path lib = library;
        if (lib == null) {
            lib = locateLibrary();
            library = lib;
        }
        return lib;
    }

    private static Path locateLibrary() {
        String configured = System.getProperty(LIBRARY_PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(LIBRARY_ENV);
        }
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            if (!Files.isReadable(p)) {
                throw new PgClusterException("libfaketime " + p + " (set by -D" + LIBRARY_PROPERTY + " or $"
                        + LIBRARY_ENV + ") is not readable");
            }
            return p;
        }
        List<Path> candidates = new ArrayList<>();
        String arch = switch (System.getProperty("os.arch", "")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            case "x86", "i386", "i686" -> "i386";
            default -> System.getProperty("os.arch", "");
        };
        // Debian's multiarch directories, this JVM's architecture first
        try (Stream<Path> dirs = Files.list(Path.of("/usr/lib"))) {
            dirs.filter(d -> d.getFileName().toString().contains("-linux-"))
                    .sorted((a, b) -> Boolean.compare(!a.getFileName().toString().startsWith(arch + "-"),
                            !b.getFileName().toString().startsWith(arch + "-")))
                    .forEach(d -> candidates.add(d.resolve("faketime").resolve(LIBRARY_NAME)));
        } catch (IOException ignored) {
            // no /usr/lib: only the fixed places below
        }
        for (String dir : List.of("/usr/lib/faketime", "/usr/lib64/faketime", "/usr/local/lib/faketime",
                "/usr/local/lib")) {
            candidates.add(Path.of(dir, LIBRARY_NAME));
        }
        return candidates.stream().filter(Files::isReadable).findFirst().orElseThrow(() -> new PgClusterException(
                LIBRARY_NAME + " not found (looked in /usr/lib/*/faketime, /usr/lib/faketime, /usr/lib64/faketime,"
                        + " /usr/local/lib): install Debian's faketime package (scripts/setup.sh does), or set -D"
                        + LIBRARY_PROPERTY + " / $" + LIBRARY_ENV));
    }

    /**
     * Environment variables that make a process started with them see its wall clock shifted by
     * {@code offset} (positive: ahead of this machine, negative: behind). Millisecond precision.
     */
    public static Map<String, String> environment(Duration offset) {
        if (offset == null || offset.isZero()) {
            throw new IllegalArgumentException("a fake clock needs a non-zero offset");
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("LD_PRELOAD", library().toString());
        env.put("FAKETIME", spec(offset));
        env.put("FAKETIME_DONT_FAKE_MONOTONIC", "1");
        return env;
    }

    /** libfaketime's relative form: {@code +600}, {@code -600}, {@code +1.5} (seconds). */
    static String spec(Duration offset) {
        String seconds = BigDecimal.valueOf(offset.toMillis(), 3).stripTrailingZeros().toPlainString();
        return offset.isNegative() ? seconds : "+" + seconds;
    }

    /**
     * Starts {@code postgres -D dataDir} directly (not through {@code pg_ctl start -w}, which waits
     * forever for a server whose clock is behind), detached in its own session, as the server OS
     * user, its output appended to {@code logFile}; then waits until it accepts connections on
     * {@code port}. A failed or late start returns a non-zero result and leaves no process behind.
     */
    static ProcessRunner.Result startPostgres(Path dataDir, Path logFile, int port, Duration offset, Duration timeout) {
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            // own session, like pg_ctl: a Ctrl-C in the terminal must not reach the server
            cmd.addAll(List.of("/usr/bin/setsid", "--wait"));
        }
        cmd.addAll(PgTools.command(environment(offset), "postgres", "-D", dataDir.toString()));
        long t0 = System.nanoTime();
        Process process;
        try {
            if (!Files.exists(logFile)) {
                Files.createFile(logFile);
                PgTools.giveToServerUser(logFile); // pg_ctl, run as that user, may append to it later
            }
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .directory(new File("/"))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            PgTools.environment().forEach((k, v) -> {
                if (v == null) {
                    pb.environment().remove(k);
                } else {
                    pb.environment().put(k, v);
                }
            });
            process = pb.start();
        } catch (IOException e) {
            return result(cmd, -1, "could not run " + ProcessRunner.describe(cmd) + ": " + e.getMessage(), t0);
        }
        long deadline = t0 + timeout.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    int code = process.exitValue();
                    return result(cmd, code == 0 ? 1 : code, "postgres exited with code " + code
                            + " before accepting connections", t0);
                }
                if (pidFileReady(dataDir, port, process)
                        && PgTools.run(Duration.ofSeconds(30), "pg_isready", "-q", "-h", PgCluster.HOST,
                                "-p", Integer.toString(port), "-t", "5").ok()) {
                    return result(cmd, 0, "", t0);
                }
                Thread.sleep(POLL.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killTree(process);
            return result(cmd, -1, "interrupted while waiting for postgres to start", t0);
        }
        killTree(process);
        return result(cmd, -1, "postgres did not accept connections within " + timeout.toSeconds() + " s", t0);
    }

    /**
     * What {@code pg_ctl start -w} checks, less the start time (that is where a clock behind made it
     * wait forever): postmaster.pid names our process (or its child, the server started by runuser),
     * our port, and the status {@code ready}.
     */
    private static boolean pidFileReady(Path dataDir, int port, Process process) {
        List<String> lines;
        try {
            lines = Files.readAllLines(dataDir.resolve("postmaster.pid"));
        } catch (IOException e) {
            return false; // not written yet
        }
        if (lines.size() < 8) {
            return false;
        }
        try {
            long pid = Long.parseLong(lines.get(0).strip());
            boolean ours = pid == process.pid() || process.descendants().anyMatch(h -> h.pid() == pid);
            return ours && Integer.parseInt(lines.get(3).strip()) == port
                    && lines.get(7).strip().toLowerCase(Locale.ROOT).equals("ready");
        } catch (NumberFormatException e) {
            return false; // being rewritten
        }
    }

    private static void killTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ProcessRunner.Result result(List<String> cmd, int exitCode, String output, long t0) {
        return new ProcessRunner.Result(List.copyOf(cmd), exitCode, output, Duration.ofNanos(System.nanoTime() - t0));
    }
}
