package io.lizsync.packaging.service;

/** No job of this id here (NOT_FOUND). */
public final class JobNotFoundException extends RuntimeException {

    public JobNotFoundException(String jobId) {
        super("job " + jobId + " not found");
    }
}
