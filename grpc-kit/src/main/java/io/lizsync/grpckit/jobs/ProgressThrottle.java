package io.lizsync.grpckit.jobs;

import java.time.Duration;
import java.util.Objects;

/**
 * Decides which progress reports of a job are worth writing down and sending to its watchers: the
 * first one, every change of step, and otherwise at most one per interval (default 250 ms). A
 * build reports every few thousand rows; without this, each report would be a file write and a
 * message to every watcher. Final states are never throttled: the caller writes them always.
 * Thread-safe.
 */
public final class ProgressThrottle {

    /** The usual interval between two reports of one step. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(250);

    private final long intervalNanos;
    private String lastStep;
    private long lastNanos;
    private boolean any;

    public ProgressThrottle(Duration interval) {
        if (interval.isNegative()) {
            throw new IllegalArgumentException("interval must not be negative");
        }
        this.intervalNanos = interval.toNanos();
    }

    public ProgressThrottle() {
        this(DEFAULT_INTERVAL);
    }

    /**
     * True when a report of {@code step} at {@code nanoTime} ({@link System#nanoTime()}) should
     * pass; a report that passes starts a new interval.
     */
    public synchronized boolean pass(String step, long nanoTime) {
        if (!any || !Objects.equals(step, lastStep) || nanoTime - lastNanos >= intervalNanos) {
            any = true;
            lastStep = step;
            lastNanos = nanoTime;
            return true;
        }
        return false;
    }
}
