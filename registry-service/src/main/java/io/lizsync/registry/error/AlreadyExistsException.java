package io.lizsync.registry.error;

/** A record with the same unique name, login, key or id already exists. */
public final class AlreadyExistsException extends RegistryException {

    public AlreadyExistsException(String message) {
        super(message);
    }
}
