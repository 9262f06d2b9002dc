package io.lizsync.registry.error;

/**
 * A failure the registry expects and explains to its caller. Each subclass maps to one gRPC status
 * in {@code io.lizsync.registry.grpc.GrpcErrors}. Messages are shown to callers: they name the
 * record concerned but never contain a password, secret or token.
 */
public abstract sealed class RegistryException extends RuntimeException
        permits NotFoundException, AlreadyExistsException, InvalidArgumentException, UnauthenticatedException,
        PermissionDeniedException, FailedPreconditionException, TooManyAttemptsException {

    protected RegistryException(String message) {
        // No stack trace: these are expected outcomes, logged at debug level at most.
        super(message, null, false, false);
    }
}
