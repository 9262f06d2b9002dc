package io.lizsync.registry.error;

/** The request is valid but the current state forbids it (for example deleting a server that still has clones). */
public final class FailedPreconditionException extends RegistryException {

    public FailedPreconditionException(String message) {
        super(message);
    }
}
