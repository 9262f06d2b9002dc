package io.lizsync.files.service;

/** A listing whose answer would exceed the service's message limit (lizsync.files.max-message-bytes). */
public class ListingTooLargeException extends RuntimeException {
    public ListingTooLargeException(String message) {
        super(message);
    }
}
