package io.lizsync.grpckit.jobs;

/**
 * The life of a job (the states of {@code lizsync.jobs.v1.JobState}, same names) and its rules, as
 * pure functions: which moves are allowed, which states are final, what a cancellation does.
 *
 * <pre>
 * QUEUED ──▶ RUNNING ──▶ SUCCEEDED | FAILED | CANCELLED
 *    └──────────────────▶ FAILED (aborted before it ran) | CANCELLED
 * </pre>
 */
public enum JobState {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    /** What {@code CancelJob} does to a job in a given state. */
    public enum CancelOutcome {
        /** Queued: it is cancelled at once and never runs. */
        CANCELLED_NOW,
        /** Running: it is asked to stop at its next safe point (it may still finish first). */
        STOP_AT_SAFE_POINT,
        /** Already over: nothing to cancel (FAILED_PRECONDITION). */
        ALREADY_FINISHED
    }

    /** The lower-case name ("queued", ...): how a job's state is stored and shown. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The state of a {@link #label()}; IllegalArgumentException for anything else. */
    public static JobState ofLabel(String label) {
        return valueOf(label.toUpperCase(java.util.Locale.ROOT));
    }

    /** True for the states a job never leaves. */
    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    /** True when a job may move from this state to {@code next}. */
    public boolean canMoveTo(JobState next) {
        return switch (this) {
            case QUEUED -> next == RUNNING || next == FAILED || next == CANCELLED;
            case RUNNING -> next == SUCCEEDED || next == FAILED || next == CANCELLED;
            case SUCCEEDED, FAILED, CANCELLED -> false;
        };
    }

    /**
     * Checks a move.
     *
     * @throws IllegalStateException when the move is not allowed (a bug of the runner)
     */
    public JobState moveTo(JobState next) {
        if (!canMoveTo(next)) {
            throw new IllegalStateException("a job cannot go from " + this + " to " + next);
        }
        return next;
    }

    /** What a cancellation asked in this state does. */
    public CancelOutcome onCancel() {
        return switch (this) {
            case QUEUED -> CancelOutcome.CANCELLED_NOW;
            case RUNNING -> CancelOutcome.STOP_AT_SAFE_POINT;
            case SUCCEEDED, FAILED, CANCELLED -> CancelOutcome.ALREADY_FINISHED;
        };
    }
}
