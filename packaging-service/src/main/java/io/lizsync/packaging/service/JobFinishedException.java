package io.lizsync.packaging.service;

/** A job that is over already cannot be cancelled (FAILED_PRECONDITION). */
public final class JobFinishedException extends RuntimeException {

    public JobFinishedException(String jobId, String state) {
        super("job " + jobId + " is already " + state + ": nothing to cancel");
    }
}
