package io.lizsync.packaging.service;

/** The package asked for does not exist (or its archive is missing). */
public class PackageNotFoundException extends RuntimeException {
    public PackageNotFoundException(String message) {
        super(message);
    }
}
