package io.lizsync.testkit;

/** A throwaway cluster could not be started, stopped or used; the message carries the server log tail. */
public class PgClusterException extends RuntimeException {

    public PgClusterException(String message) {
        super(message);
    }

    public PgClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
