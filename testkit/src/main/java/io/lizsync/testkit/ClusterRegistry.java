package io.lizsync.testkit;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Every cluster this JVM started and has not closed yet, stopped by one shutdown hook so that a
 * test that forgets {@code close()} (or a JVM ended by Ctrl-C) leaves no server behind.
 *
 * <p>A JVM killed outright (SIGKILL, e.g. a surefire fork timeout) runs no hook; its clusters are
 * found later by {@link #sweepStale(Path)}, which the next start in the same base directory runs.
 */
final class ClusterRegistry {

    private static final System.Logger LOG = System.getLogger(PgCluster.class.getName());
    private static final Set<PgCluster> LIVE = ConcurrentHashMap.newKeySet();
    private static final Set<Path> SWEPT = ConcurrentHashMap.newKeySet();
    private static boolean hookInstalled;

    private ClusterRegistry() {
    }

    static synchronized void register(PgCluster cluster) {
        if (!hookInstalled) {
            Runtime.getRuntime().addShutdownHook(new Thread(ClusterRegistry::stopAll, "lizsync-testkit-shutdown"));
            hookInstalled = true;
        }
        LIVE.add(cluster);
    }

    static void unregister(PgCluster cluster) {
        LIVE.remove(cluster);
    }

    /** Stops (immediately: the data is thrown away) every cluster still registered, in parallel. */
    private static void stopAll() {
        List<Thread> threads = new ArrayList<>();
        for (PgCluster c : List.copyOf(LIVE)) {
            Thread t = new Thread(c::abandon, "lizsync-testkit-stop-" + c.name());
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            try {
                t.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Once per JVM and base directory: stops and deletes clusters whose owning JVM is gone.
     * Detached clusters (no owner recorded) and clusters of live JVMs are left alone.
     */
    static void sweepStale(Path baseDir) {
        if (!Files.isDirectory(baseDir) || !SWEPT.add(baseDir)) {
            return;
        }
        List<Path> dirs;
        try (Stream<Path> s = Files.list(baseDir)) {
            dirs = s.filter(Files::isDirectory).toList();
        } catch (IOException e) {
            return;
        }
        for (Path dir : dirs) {
            ClusterMeta.read(dir).ifPresent(meta -> {
                Long owner = meta.ownerPid();
                if (owner == null || ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) {
                    return;
                }
                LOG.log(Level.INFO, "removing cluster {0} left behind by dead JVM {1}: {2}", meta.name(), owner, dir);
                try {
                    if (Files.exists(dir.resolve("postmaster.pid"))) {
                        PgTools.run(Duration.ofSeconds(60), "pg_ctl", "-D", dir.toString(), "-m", "immediate", "-w",
                                "stop");
                    }
                    PgCluster.deleteRecursively(dir);
                } catch (RuntimeException e) {
                    // cleaning up after others must never break the start that triggered it
                    LOG.log(Level.WARNING, "could not remove stale cluster " + dir + ": " + e.getMessage());
                }
            });
        }
    }
}
