package io.lizsync.files.service;

/** The bytes received differ from what the upload announced (size or SHA-256). */
public class UploadMismatchException extends RuntimeException {
    public UploadMismatchException(String message) {
        super(message);
    }
}
