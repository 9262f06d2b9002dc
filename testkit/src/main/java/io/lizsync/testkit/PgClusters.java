package io.lizsync.testkit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Several clusters started in parallel (e.g. central + two clones) and closed together.
 *
 * <pre>{@code
 * try (PgClusters pgs = PgClusters.start("central", "clone-a", "clone-b")) {
 *     PgCluster central = pgs.get("central");
 *     ...
 * }
 * }</pre>
 *
 * If one fails to start, the others are closed before the exception is thrown.
 */
public final class PgClusters implements AutoCloseable, Iterable<PgCluster> {

    private final List<PgCluster> clusters;

    private PgClusters(List<PgCluster> clusters) {
        this.clusters = List.copyOf(clusters);
    }

    /** One cluster with default options per name, started in parallel; in the order of the names. */
    public static PgClusters start(String... names) {
        return start(Arrays.stream(names).map(PgCluster::options).toList());
    }

    /** One cluster per options, started in parallel; in the order of the options. */
    public static PgClusters start(List<PgCluster.Options> options) {
        List<PgCluster> started = forEachInParallel(options, PgCluster.Options::start);
        return new PgClusters(started);
    }

    public List<PgCluster> list() {
        return clusters;
    }

    public PgCluster get(int index) {
        return clusters.get(index);
    }

    /** The first cluster with that name. */
    public PgCluster get(String name) {
        return clusters.stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no cluster named " + name));
    }

    public int size() {
        return clusters.size();
    }

    @Override
    public Iterator<PgCluster> iterator() {
        return clusters.iterator();
    }

    /** Closes every cluster, in parallel; failures are reported together after all were attempted. */
    @Override
    public void close() {
        closeAll(clusters);
    }

    /** Closes the given clusters in parallel; throws the first failure with the others suppressed. */
    public static void closeAll(Collection<? extends PgCluster> clusters) {
        forEachInParallel(List.copyOf(clusters), c -> {
            c.close();
            return c;
        });
    }

    /**
     * Applies {@code action} to every item on its own thread and waits for all. If any fails,
     * clusters that were produced are closed (they would otherwise stay up until JVM exit) and the
     * first failure is thrown with the others suppressed.
     */
    private static <T> List<PgCluster> forEachInParallel(List<T> items, Function<T, PgCluster> action) {
        if (items.isEmpty()) {
            return List.of();
        }
        ExecutorService pool = Executors.newFixedThreadPool(items.size(), r -> {
            Thread t = new Thread(r, "lizsync-testkit-parallel");
            t.setDaemon(true);
            return t;
        });
        try {
            List<CompletableFuture<PgCluster>> futures = new ArrayList<>();
            for (T item : items) {
                futures.add(CompletableFuture.supplyAsync(() -> action.apply(item), pool));
            }
            List<PgCluster> done = new ArrayList<>();
            RuntimeException failure = null;
            for (CompletableFuture<PgCluster> f : futures) {
                try {
                    done.add(f.join());
                } catch (CompletionException e) {
                    RuntimeException cause = e.getCause() instanceof RuntimeException re ? re : e;
                    if (failure == null) {
                        failure = cause;
                    } else {
                        failure.addSuppressed(cause);
                    }
                }
            }
            if (failure != null) {
                for (PgCluster c : done) {
                    try {
                        c.close();
                    } catch (RuntimeException e) {
                        failure.addSuppressed(e);
                    }
                }
                throw failure;
            }
            return done;
        } finally {
            pool.shutdown();
        }
    }
}
