package io.lizsync.packaging.service;

/** A byte offset outside the archive. */
public class OutOfRangeException extends RuntimeException {
    public OutOfRangeException(String message) {
        super(message);
    }
}
