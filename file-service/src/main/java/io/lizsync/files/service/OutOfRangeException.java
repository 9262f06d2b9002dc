package io.lizsync.files.service;

/** A byte offset outside the file. */
public class OutOfRangeException extends RuntimeException {
    public OutOfRangeException(String message) {
        super(message);
    }
}
