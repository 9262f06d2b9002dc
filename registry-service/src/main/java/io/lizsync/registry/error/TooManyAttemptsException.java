package io.lizsync.registry.error;

/** Too many failed credentials from one login or one address: the caller must wait (RESOURCE_EXHAUSTED). */
public final class TooManyAttemptsException extends RegistryException {

    public TooManyAttemptsException(String message) {
        super(message);
    }
}
