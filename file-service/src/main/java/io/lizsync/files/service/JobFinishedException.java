package io.lizsync.files.service;

/** A cancellation of a job that is over (FAILED_PRECONDITION). */
public class JobFinishedException extends RuntimeException {
    public JobFinishedException(String id, String state) {
        super("job " + id + " is " + state + " already: nothing to cancel");
    }
}
