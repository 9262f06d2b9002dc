package io.lizsync.registry.error;

/** A referenced record (server, user, project...) does not exist. */
public final class NotFoundException extends RegistryException {

    public NotFoundException(String message) {
        super(message);
    }
}
