package io.lizsync.files.service;

/** An operation needs a folder this service was not given (FAILED_PRECONDITION). */
public class FolderNotConfiguredException extends RuntimeException {
    public FolderNotConfiguredException(String key) {
        super("this file-service has no folder for that operation: set " + key);
    }
}
