package io.lizsync.registry.error;

/** A credential (password, token, secret) is unknown, revoked or expired. Messages never say which, and never contain the credential. */
public final class UnauthenticatedException extends RegistryException {

    public UnauthenticatedException(String message) {
        super(message);
    }
}
