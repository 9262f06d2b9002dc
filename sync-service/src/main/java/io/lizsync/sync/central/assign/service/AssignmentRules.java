package io.lizsync.sync.central.assign.service;

import io.lizsync.grpckit.jobs.JobState;
import java.time.Duration;
import java.time.Instant;

/**
 * The decisions about an assignment (a deploy assigned to a clone, ADR 0015), as plain functions
 * of its state: what a cancellation does, what a clone's report does, whether a claim may start
 * it, when a running one has been silent too long.
 */
public final class AssignmentRules {

    private AssignmentRules() {
    }

    /** What the clone reports: still running, or how it ended. */
    public enum Outcome {
        PROGRESS, SUCCEEDED, FAILED, CANCELLED
    }

    /** What a CancelJob does. */
    public enum Cancel {
        /** Queued: cancelled at once, the clone never runs it. */
        NOW,
        /** Running: asked; the sidecar stops at its next safe point (before its deploy commits). */
        ASK,
        /** Already asked: nothing more to do. */
        ALREADY_ASKED,
        /** Finished: refused (FAILED_PRECONDITION). */
        REFUSE
    }

    public static Cancel cancel(JobState state, boolean cancelRequested) {
        return switch (state) {
            case QUEUED -> Cancel.NOW;
            case RUNNING -> cancelRequested ? Cancel.ALREADY_ASKED : Cancel.ASK;
            case SUCCEEDED, FAILED, CANCELLED -> Cancel.REFUSE;
        };
    }

    /** Null when the clone may claim (start) an assignment in {@code state}, else why not. */
    public static String claimRefusal(JobState state) {
        return switch (state) {
            case QUEUED -> null;
            case RUNNING -> "it was already claimed";
            case CANCELLED -> "it was cancelled";
            case SUCCEEDED, FAILED -> "it is finished (" + state.label() + ")";
        };
    }

    /** What a report does to the job. */
    public record Report(JobState next, boolean apply, String refusal) {
    }

    /**
     * A clone's report on a job in {@code state}: progress keeps a running job running; an outcome
     * ends it (a cancelled outcome without a cancellation asked is a failure: the clone stopped on
     * its own); a report on a finished job changes nothing (central may have failed it for its
     * silence, or an operator's cancel won); a report on a job never claimed is refused.
     */
    public static Report report(JobState state, boolean cancelRequested, Outcome outcome) {
        if (state.isTerminal()) {
            return new Report(state, false, null);
        }
        if (state == JobState.QUEUED) {
            return new Report(state, false, "the assignment was not claimed: claim it first");
        }
        return switch (outcome) {
            case PROGRESS -> new Report(JobState.RUNNING, true, null);
            case SUCCEEDED -> new Report(JobState.SUCCEEDED, true, null);
            case FAILED -> new Report(JobState.FAILED, true, null);
            case CANCELLED -> new Report(cancelRequested ? JobState.CANCELLED : JobState.FAILED, true, null);
        };
    }

    /** True when a running job's clone has said nothing for longer than {@code silence}: central fails it. */
    public static boolean silentTooLong(JobState state, Instant lastHeard, Instant now, Duration silence) {
        return state == JobState.RUNNING && lastHeard.plus(silence).isBefore(now);
    }

    /** A progress percentage: the clone's, else done of total, else unknown (-1); within -1..100. */
    public static int percent(int reported, long done, long total) {
        if (reported >= 0) {
            return Math.min(reported, 100);
        }
        if (total > 0 && done >= 0) {
            return (int) Math.min(100, done * 100 / total);
        }
        return -1;
    }
}
