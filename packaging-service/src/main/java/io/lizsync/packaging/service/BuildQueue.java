package io.lizsync.packaging.service;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Package builds run one at a time (each reads central in one snapshot and writes one archive);
 * at most {@code maxWaiting} more wait their turn, each holding a worker thread. A build beyond
 * that is refused at once ({@link BuildQueueFullException}) rather than queued without limit.
 */
final class BuildQueue {

    private final int maxWaiting;
    private final Semaphore running = new Semaphore(1, true);
    private final AtomicInteger admitted = new AtomicInteger();

    BuildQueue(int maxWaiting) {
        if (maxWaiting < 0) {
            throw new IllegalArgumentException("max waiting builds: 0 or more");
        }
        this.maxWaiting = maxWaiting;
    }

    /** What a build does once its turn has come. */
    @FunctionalInterface
    interface Build<T> {
        T run() throws Exception;
    }

    /** Runs {@code build} when its turn comes, or refuses it at once when the queue is full. */
    <T> T submit(Build<T> build) throws Exception {
        try (Ticket ticket = admit()) {
            return ticket.run(build);
        }
    }

    /**
     * A place in the queue, taken at once (a job is accepted or refused before it is answered) and
     * used later on a worker thread. Closing it gives the place back.
     *
     * @throws BuildQueueFullException when {@code maxWaiting} builds wait already
     */
    Ticket admit() throws BuildQueueFullException {
        if (admitted.incrementAndGet() > 1 + maxWaiting) {
            admitted.decrementAndGet();
            throw new BuildQueueFullException(maxWaiting);
        }
        return new Ticket();
    }

    /** A build's place in the queue. */
    final class Ticket implements AutoCloseable {
        private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

        /** Waits for the turn (interruptibly: a queued job cancelled), runs {@code build}. */
        <T> T run(Build<T> build) throws Exception {
            running.acquire();
            try {
                return build.run();
            } finally {
                running.release();
            }
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                admitted.decrementAndGet();
            }
        }
    }

    /** Builds running or waiting now. */
    int admitted() {
        return admitted.get();
    }
}
