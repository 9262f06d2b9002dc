package io.lizsync.registry.error;

/** A request value is missing, malformed or out of range. */
public final class InvalidArgumentException extends RegistryException {

    public InvalidArgumentException(String message) {
        super(message);
    }
}
