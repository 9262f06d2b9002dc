package io.lizsync.grpckit.jobs;

/** A job refused because enough jobs wait their turn already (RESOURCE_EXHAUSTED): try again later. */
public final class JobQueueFullException extends RuntimeException {

    public JobQueueFullException(String message) {
        super(message);
    }
}
