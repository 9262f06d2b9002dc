package io.lizsync.files.service;

/** A media file already exists where an upload without overwrite would put one. */
public class MediaExistsException extends RuntimeException {
    public MediaExistsException(String message) {
        super(message);
    }
}
