package io.lizsync.registry.error;

/** The caller is authenticated but not allowed (missing scope, disabled server). */
public final class PermissionDeniedException extends RegistryException {

    public PermissionDeniedException(String message) {
        super(message);
    }
}
