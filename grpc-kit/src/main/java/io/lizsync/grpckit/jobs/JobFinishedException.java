package io.lizsync.grpckit.jobs;

/** A cancellation of a job that is over already (FAILED_PRECONDITION). */
public final class JobFinishedException extends RuntimeException {

    public JobFinishedException(String message) {
        super(message);
    }
}
