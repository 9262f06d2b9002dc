package io.lizsync.gateway.error;

/**
 * A request whose fields pass their own constraints but not together (a value required by
 * another field's choice): a 400 naming the field, like a constraint violation.
 */
public class InvalidFieldException extends RuntimeException {

    private final String field;
    private final String reason;

    public InvalidFieldException(String field, String reason) {
        super(field + ": " + reason);
        this.field = field;
        this.reason = reason;
    }

    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }
}
