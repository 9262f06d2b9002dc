package io.lizsync.grpckit.auth;

/** An access token that is not acceptable; the message says why and never quotes the token. */
public final class InvalidTokenException extends Exception {

    public InvalidTokenException(String message) {
        super(message);
    }
}
