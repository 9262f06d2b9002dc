package io.lizsync.files.service;

/** An unknown job, or a job without a report (NOT_FOUND). */
public class JobNotFoundException extends RuntimeException {
    public JobNotFoundException(String id, String message) {
        super(message);
    }
}
