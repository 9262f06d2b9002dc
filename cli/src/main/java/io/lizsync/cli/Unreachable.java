package io.lizsync.cli;

/** The gateway did not answer (refused connection, timeout, TLS failure): exit code 5. */
final class Unreachable extends RuntimeException {
    Unreachable(String message, Throwable cause) {
        super(message, cause);
    }
}
