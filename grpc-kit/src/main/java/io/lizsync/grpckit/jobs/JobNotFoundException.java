package io.lizsync.grpckit.jobs;

/** An unknown job (NOT_FOUND), or a job without what was asked of it. */
public final class JobNotFoundException extends RuntimeException {

    public JobNotFoundException(String message) {
        super(message);
    }
}
