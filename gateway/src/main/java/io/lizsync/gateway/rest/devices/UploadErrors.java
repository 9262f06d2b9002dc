package io.lizsync.gateway.rest.devices;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lizsync.gateway.error.InvalidFieldException;
import java.util.function.IntFunction;

/**
 * Central's refusal of an upload's content (INVALID_ARGUMENT with the trailers {@code lizsync-row}
 * and {@code lizsync-field}) as a 400 naming the field as the caller wrote it, e.g.
 * {@code edits[2].values.depth}. Other failures pass unchanged.
 */
public final class UploadErrors {

    static final Metadata.Key<String> ROW = Metadata.Key.of("lizsync-row", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> FIELD = Metadata.Key.of("lizsync-field", Metadata.ASCII_STRING_MARSHALLER);

    private UploadErrors() {
    }

    /** @param valuesOf the body path of an edit's values, by the edit's index */
    public static Throwable named(Throwable failure, IntFunction<String> valuesOf) {
        if (!(failure instanceof StatusRuntimeException e) || e.getStatus().getCode() != Status.Code.INVALID_ARGUMENT
                || e.getTrailers() == null) {
            return failure;
        }
        String field = e.getTrailers().get(FIELD);
        String row = e.getTrailers().get(ROW);
        if (field == null && row == null) {
            return failure;
        }
        int index = 0;
        try {
            index = row == null ? 0 : Integer.parseInt(row.strip());
        } catch (NumberFormatException ignored) {
            // not an index: the values of the first edit
        }
        if (field != null) {
            // percent-encoded UTF-8 (a column name may hold any character)
            field = java.net.URLDecoder.decode(field.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        }
        String values = valuesOf.apply(index);
        String description = e.getStatus().getDescription();
        return new InvalidFieldException(field == null || field.isBlank() ? values : values + "." + field,
                description == null ? "refused by central" : description);
    }
}
