package io.lizsync.grpckit.jobs;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * Sends the changes of jobs to their watchers ({@code WatchJob}) in this process. A watcher gets
 * the job as it is when it starts watching, then each later state, and its stream ends after the
 * job's final state. Publishing never blocks the job and never queues without bound: each watcher
 * holds one pending state, replaced by newer ones while its client is not ready (flow control), so
 * a slow watcher skips intermediate progress and always receives the latest state, the final one
 * included.
 *
 * <p>The caller serialises {@link #watch} and {@link #publish} of one job (the service changes a
 * job and publishes it under the job's lock, and reads the current state for {@link #watch} under
 * the same lock), so that a watcher never misses a change nor sees them out of order.
 *
 * @param <T> the job message ({@code lizsync.jobs.v1.Job})
 */
public final class JobFanOut<T> {

    private static final Logger LOG = Logger.getLogger(JobFanOut.class);

    /** Where a watcher's states go: a server stream, or anything that behaves like one. */
    public interface Sink<T> {
        /** True when a message can be sent now without piling up in memory. */
        boolean isReady();

        void send(T value);

        void complete();

        /** Runs {@code handler} whenever the sink becomes ready again. */
        void onReady(Runnable handler);

        /** Runs {@code handler} when the client goes away. */
        void onCancel(Runnable handler);

        /** A server call's stream, following its flow control. */
        static <T> Sink<T> of(StreamObserver<T> observer) {
            if (!(observer instanceof ServerCallStreamObserver<T> call)) {
                throw new IllegalArgumentException("a watcher needs the server call's stream observer");
            }
            return new Sink<>() {
                @Override
                public boolean isReady() {
                    return call.isReady();
                }

                @Override
                public void send(T value) {
                    call.onNext(value);
                }

                @Override
                public void complete() {
                    call.onCompleted();
                }

                @Override
                public void onReady(Runnable handler) {
                    call.setOnReadyHandler(handler);
                }

                @Override
                public void onCancel(Runnable handler) {
                    call.setOnCancelHandler(handler);
                }
            };
        }
    }

    private final Predicate<T> isFinal;
    private final Map<String, Set<Watcher>> watchers = new ConcurrentHashMap<>();

    /** @param isFinal true for a job in a final state (the stream ends after it) */
    public JobFanOut(Predicate<T> isFinal) {
        this.isFinal = Objects.requireNonNull(isFinal, "isFinal");
    }

    /** Starts sending job {@code id} to {@code sink}: {@code current} first, then what is published. */
    public void watch(String id, T current, Sink<T> sink) {
        Watcher w = new Watcher(id, sink);
        sink.onCancel(w::cancelled);
        sink.onReady(w::drain);
        if (!isFinal.test(current)) {
            watchers.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(w);
        }
        w.offer(current);
    }

    /** A new state of job {@code id}, for its watchers. Never blocks. */
    public void publish(String id, T value) {
        Set<Watcher> set = watchers.get(id);
        if (set == null) {
            return;
        }
        for (Watcher w : set) {
            w.offer(value);
        }
    }

    /** Watchers of a job now (for tests and metrics). */
    public int watching(String id) {
        Set<Watcher> set = watchers.get(id);
        return set == null ? 0 : set.size();
    }

    private void remove(Watcher w) {
        watchers.computeIfPresent(w.id, (k, set) -> {
            set.remove(w);
            return set.isEmpty() ? null : set;
        });
    }

    /** One watcher: one pending state at most, sent when the client is ready. */
    private final class Watcher {
        private final String id;
        private final Sink<T> sink;
        private T pending;
        private T lastSent;
        private boolean done;

        Watcher(String id, Sink<T> sink) {
            this.id = id;
            this.sink = sink;
        }

        synchronized void offer(T value) {
            if (done) {
                return;
            }
            pending = value;
            drain();
        }

        synchronized void drain() {
            try {
                while (!done && pending != null && sink.isReady()) {
                    T next = pending;
                    pending = null;
                    if (!next.equals(lastSent)) {
                        sink.send(next);
                        lastSent = next;
                    }
                    if (isFinal.test(next)) {
                        done = true;
                        remove(this);
                        sink.complete();
                    }
                }
            } catch (RuntimeException e) {
                // The call is gone (cancelled, closed): this watcher ends, the job goes on.
                LOG.debugf("a watcher of job %s ended: %s", id, e.getMessage());
                done = true;
                remove(this);
            }
        }

        synchronized void cancelled() {
            done = true;
            pending = null;
            remove(this);
        }
    }
}
