package io.lizsync.files.service;

/** An upload larger than the configured limit (lizsync.files.max-upload-bytes). */
public class UploadTooLargeException extends RuntimeException {
    public UploadTooLargeException(String message) {
        super(message);
    }
}
