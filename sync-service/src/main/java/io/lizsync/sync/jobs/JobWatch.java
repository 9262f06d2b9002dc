package io.lizsync.sync.jobs;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * WatchJob's stream: the job now, then the job each time its revision moved (read every
 * {@link #POLL_MS} ms from where its state is kept, so a watcher of one process sees what another
 * process changed), until and including its final state. Each read runs on a worker thread and
 * holds it only for the read. Small on purpose: it can move to grpc-kit's jobs package.
 */
public final class JobWatch<J> {

    /** How often a watched job is read again (ms). */
    public static final long POLL_MS = 150;

    private final ToLongFunction<J> revision;
    private final Predicate<J> isFinal;

    public JobWatch(ToLongFunction<J> revision, Predicate<J> isFinal) {
        this.revision = revision;
        this.isFinal = isFinal;
    }

    /** {@code first}, then {@code read}'s answer each time it changed, until it is final. */
    public Multi<J> follow(J first, Callable<J> read) {
        return Multi.createFrom().emitter(emitter -> {
            emitter.emit(first);
            if (isFinal.test(first)) {
                emitter.complete();
                return;
            }
            long[] seen = {revision.applyAsLong(first)};
            ScheduledFuture<?>[] task = {null};
            task[0] = Infrastructure.getDefaultWorkerPool().scheduleWithFixedDelay(() -> {
                if (emitter.isCancelled()) {
                    task[0].cancel(false);
                    return;
                }
                try {
                    J now = read.call();
                    if (revision.applyAsLong(now) != seen[0]) {
                        seen[0] = revision.applyAsLong(now);
                        emitter.emit(now);
                    }
                    if (isFinal.test(now)) {
                        emitter.complete();
                        task[0].cancel(false);
                    }
                } catch (Exception e) {
                    emitter.fail(e);
                    task[0].cancel(false);
                }
            }, POLL_MS, POLL_MS, TimeUnit.MILLISECONDS);
            emitter.onTermination(() -> task[0].cancel(false));
        });
    }
}
