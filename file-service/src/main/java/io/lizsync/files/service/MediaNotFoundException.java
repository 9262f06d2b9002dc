package io.lizsync.files.service;

/** The media file asked for does not exist. */
public class MediaNotFoundException extends RuntimeException {
    public MediaNotFoundException(String message) {
        super(message);
    }
}
