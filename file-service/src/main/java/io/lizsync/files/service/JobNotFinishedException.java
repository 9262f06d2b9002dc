package io.lizsync.files.service;

/** A job's report was asked while it is queued or running (FAILED_PRECONDITION). */
public class JobNotFinishedException extends RuntimeException {
    public JobNotFinishedException(String id) {
        super("job " + id + " is not finished: its report comes with its end");
    }
}
