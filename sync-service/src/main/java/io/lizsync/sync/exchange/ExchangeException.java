package io.lizsync.sync.exchange;

import io.grpc.Status;

/** A refusal of the exchange, with the gRPC status it maps to. */
public class ExchangeException extends RuntimeException {

    private final Status.Code code;

    public ExchangeException(Status.Code code, String message) {
        super(message);
        this.code = code;
    }

    public Status.Code code() {
        return code;
    }
}
