package io.lizsync.packaging.service;

/** A package's metadata sidecar cannot be read or does not describe the package it is named after. */
public class CorruptPackageException extends RuntimeException {
    public CorruptPackageException(String message, Throwable cause) {
        super(message, cause);
    }
}
