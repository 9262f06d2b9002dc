package io.lizsync.sync.central.exchange.service;

/** A refusal of the exchange (or of the review calls), with its reason; mapped to a status in GrpcErrors only. */
public class ExchangeException extends RuntimeException {

    /** Why a call was refused. */
    public enum Reason {
        /** No valid credential. */
        UNAUTHENTICATED,
        /** A valid caller asking for what it may not do. */
        PERMISSION_DENIED,
        /** An unknown clone, conflict or item. */
        NOT_FOUND,
        /** The state does not allow it (structure, versions, retention, configuration). */
        PRECONDITION,
        /** The session was taken over or ended: start again. */
        ABORTED,
        /** A service central depends on (registry-service) cannot answer now: try again later. */
        UNAVAILABLE
    }

    private final Reason reason;

    public ExchangeException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
