package io.lizsync.sync.central.syncjobs.service;

import io.lizsync.grpckit.jobs.JobState;

/**
 * The decisions about a sync-session job (ADR 0019) as plain functions: what a hello does to the
 * clone's jobs, how far a session is (rows both ways, percent), what a cancellation does, and the
 * sentences a job ends with.
 */
public final class SyncJobRules {

    private SyncJobRules() {
    }

    /** The step of a job waiting for its clone. */
    public static final String WAITING = "waiting for the clone's next contact";
    /** The steps of a running session. */
    public static final String PUSH = "push";
    public static final String PULL = "pull";
    public static final String ACKNOWLEDGE = "acknowledge";

    /** What a hello does with a job. */
    public enum Open {
        /** Nothing to exchange and nothing requested: no job (up-to-date hellos would flood the list). */
        NONE,
        /** The session runs as a new job. */
        CREATE,
        /** The session runs as the job an operator requested. */
        ADOPT,
        /** Nothing to exchange, a requested job waited: it is adopted and ends at once, succeeded. */
        ADOPT_UP_TO_DATE,
        /** A deploy assigned through central runs instead of this session: a requested job waits on. */
        LEAVE_QUEUED,
        /** The clone fell behind central's log retention: no exchange runs; a requested job fails, saying so. */
        FAIL_REDEPLOY
    }

    /**
     * What a hello does: {@code upToDate} (nothing either way: no session opened),
     * {@code assignmentOpen} (the clone runs its assigned deploy, ADR 0015, and exchanges nothing
     * in this session), {@code redeployRequired} (the clone fell behind the log retention: its
     * sidecar stops at hello, every sync until a redeploy; no job each time), {@code
     * requestedWaiting} (an operator's request is queued).
     */
    public static Open open(boolean upToDate, boolean assignmentOpen, boolean redeployRequired,
            boolean requestedWaiting) {
        if (assignmentOpen) {
            return requestedWaiting ? Open.LEAVE_QUEUED : Open.NONE;
        }
        if (redeployRequired) {
            return requestedWaiting ? Open.FAIL_REDEPLOY : Open.NONE;
        }
        if (upToDate) {
            return requestedWaiting ? Open.ADOPT_UP_TO_DATE : Open.NONE;
        }
        return requestedWaiting ? Open.ADOPT : Open.CREATE;
    }

    /** The step a session starts with: the push when the clone holds changes, else the pull. */
    public static String firstStep(boolean nothingToPush) {
        return nothingToPush ? PULL : PUSH;
    }

    /**
     * How far a session is, in rows: the push (changes central received of those the clone said
     * it held unsent at hello; the clone's count is of log rows, which its net changes may fold,
     * and it may have edited meanwhile, so the push's share grows with what arrives) and the pull
     * (log events read of those counted in the pull's snapshot).
     */
    public record Progress(long pushDone, long pushTotal, long pullDone, long pullTotal) {

        public long done() {
            return Math.max(0, pushDone) + Math.max(0, Math.min(pullDone, pullTotal));
        }

        public long total() {
            return Math.max(pushDone, pushTotal) + Math.max(0, pullTotal);
        }

        /**
         * 0–100 for a job in {@code state}: 100 once succeeded; while running, done of total but
         * never 100 before the end (the acknowledgement is still to come); -1 when nothing is known
         * yet (a job that has not counted anything).
         */
        public int percent(JobState state) {
            if (state == JobState.SUCCEEDED) {
                return 100;
            }
            long total = total();
            if (total <= 0) {
                return state == JobState.QUEUED || state == JobState.RUNNING ? -1 : 0;
            }
            return (int) Math.min(99, done() * 100 / total);
        }
    }

    /** What a CancelJob does to a sync job. */
    public enum Cancel {
        /** Queued: cancelled at once, no session adopts it. */
        NOW,
        /** Running: marked; central stops the session at its next safe point. */
        ASK,
        /** Already asked: nothing more. */
        ALREADY_ASKED,
        /** Finished: refused (FAILED_PRECONDITION). */
        REFUSE
    }

    public static Cancel cancel(JobState state, boolean cancelRequested) {
        return switch (state.onCancel()) {
            case CANCELLED_NOW -> Cancel.NOW;
            case STOP_AT_SAFE_POINT -> cancelRequested ? Cancel.ALREADY_ASKED : Cancel.ASK;
            case ALREADY_FINISHED -> Cancel.REFUSE;
        };
    }

    /** The sentence of a session that ended well. */
    public static String succeeded(long toCentral, long toClone, long conflicts) {
        return changes(toCentral) + " to central, " + changes(toClone) + " to the clone, " + conflicts + " conflict"
                + (conflicts == 1 ? "" : "s");
    }

    /** The sentence of a requested sync whose clone must be redeployed first. */
    public static final String REDEPLOY = "the clone fell behind central's log retention: nothing can be exchanged"
            + " until it is redeployed (assign it a new package)";

    /** The sentence of a requested sync whose clone had nothing to exchange. */
    public static final String UP_TO_DATE = "nothing to exchange: the clone was up to date";

    /**
     * The status the clone gets when central stops a cancelled session, and the job's sentence:
     * what went through (a push committed before the pull was refused) and that nothing is
     * half-applied.
     */
    public static String cancelled(String by, long toCentral, String where) {
        return "cancelled by " + (by == null || by.isBlank() ? "an operator" : by) + " at central " + where
                + ": nothing half-applied; " + changes(toCentral) + " to central and 0 to the clone went through,"
                + " the rest goes at the next sync";
    }

    private static String changes(long n) {
        return n + " change" + (n == 1 ? "" : "s");
    }
}
