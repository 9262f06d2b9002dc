package io.lizsync.sync.central.devices.service;

/**
 * Bad input in one row of an upload, naming the row (0-based) and the field: INVALID_ARGUMENT with
 * both in the message and in the trailers {@code lizsync-row} and {@code lizsync-field}
 * ({@link io.lizsync.sync.grpc.GrpcErrors}), so that the gateway's 400 can name them.
 */
public class InvalidFieldException extends IllegalArgumentException {

    private final int row;
    private final String field;

    public InvalidFieldException(int row, String field, String problem) {
        super("edit " + row + ", field \"" + field + "\": " + problem);
        this.row = row;
        this.field = field;
    }

    public int row() {
        return row;
    }

    public String field() {
        return field;
    }
}
