package io.lizsync.sync.jobs;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * WatchJob's stream: the job now, then the job each time its revision moved, until and including
 * its final state. The job is read again at once when this process changed a job
 * ({@link #changed()}), and every {@link #POLL_MS} ms in any case, from where its state is kept, so
 * a watcher also sees what another process changed (later, and a state that lasted less than a
 * poll may then be missed). Each read runs on a worker thread and holds it only for the read.
 * (grpc-kit's JobFanOut serves jobs held in one process; these live in the database, written by
 * several processes.)
 */
public final class JobWatch<J> {

    /** How often a watched job is read again in any case (ms). */
    public static final long POLL_MS = 150;

    private final ToLongFunction<J> revision;
    private final Predicate<J> isFinal;
    private final long pollMs;
    private final Set<Runnable> watchers = ConcurrentHashMap.newKeySet();

    public JobWatch(ToLongFunction<J> revision, Predicate<J> isFinal) {
        this(revision, isFinal, POLL_MS);
    }

    /** With another poll period (ms). */
    public JobWatch(ToLongFunction<J> revision, Predicate<J> isFinal, long pollMs) {
        this.revision = revision;
        this.isFinal = isFinal;
        this.pollMs = pollMs;
    }

    /** A job changed in this process (after its transaction committed): every watcher reads now. */
    public void changed() {
        watchers.forEach(w -> Infrastructure.getDefaultWorkerPool().execute(w));
    }

    /** {@code first}, then {@code read}'s answer each time it changed, until it is final. */
    public Multi<J> follow(J first, Callable<J> read) {
        return Multi.createFrom().emitter(emitter -> {
            emitter.emit(first);
            if (isFinal.test(first)) {
                emitter.complete();
                return;
            }
            Object lock = new Object();
            long[] seen = {revision.applyAsLong(first)};
            boolean[] done = {false};
            @SuppressWarnings("unchecked")
            ScheduledFuture<?>[] task = new ScheduledFuture<?>[1];
            Runnable[] self = new Runnable[1];
            Runnable stop = () -> {
                done[0] = true;
                watchers.remove(self[0]);
                if (task[0] != null) {
                    task[0].cancel(false);
                }
            };
            self[0] = () -> {
                synchronized (lock) {
                    if (done[0]) {
                        return;
                    }
                    if (emitter.isCancelled()) {
                        stop.run();
                        return;
                    }
                    try {
                        J now = read.call();
                        if (revision.applyAsLong(now) != seen[0]) {
                            seen[0] = revision.applyAsLong(now);
                            emitter.emit(now);
                        }
                        if (isFinal.test(now)) {
                            stop.run();
                            emitter.complete();
                        }
                    } catch (Exception e) {
                        stop.run();
                        emitter.fail(e);
                    }
                }
            };
            watchers.add(self[0]);
            synchronized (lock) {
                task[0] = Infrastructure.getDefaultWorkerPool().scheduleWithFixedDelay(self[0], pollMs, pollMs,
                        TimeUnit.MILLISECONDS);
            }
            emitter.onTermination(() -> {
                synchronized (lock) {
                    stop.run();
                }
            });
        });
    }
}
