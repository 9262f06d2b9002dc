package io.lizsync.files.service;

/** Too many file jobs wait already (RESOURCE_EXHAUSTED). */
public class JobQueueFullException extends RuntimeException {
    public JobQueueFullException(int max) {
        super("too many file jobs wait (at most " + max + "): try again later");
    }
}
