package io.lizsync.gateway.error;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Problem documents (RFC 9457, {@code application/problem+json}): type, title, status, detail,
 * and for invalid input the fields at fault. Never a stack trace or an internal message: the
 * detail is the service's own refusal or a sentence written here.
 */
public final class Problems {

    public static final String PROBLEM_JSON = "application/problem+json";
    public static final MediaType TYPE = MediaType.valueOf(PROBLEM_JSON);

    /** One field at fault: its name as the caller wrote it (body property or query parameter) and why. */
    public record FieldError(String field, String message) {
    }

    /** The document as the OpenAPI schema describes it. */
    public record Problem(String type, String title, int status, String detail, List<FieldError> errors, String reference) {
    }

    private Problems() {
    }

    public static Response of(int status, String title, String detail) {
        return build(status, title, detail, null, null);
    }

    public static Response invalid(String detail, List<FieldError> errors) {
        return build(400, "Invalid request", detail, errors, null);
    }

    /** An unexpected failure: only a reference the log line carries too. */
    public static Response internal(String reference) {
        return build(500, "Internal error", "the gateway failed; tell an administrator the reference " + reference,
                null, reference);
    }

    private static Response build(int status, String title, String detail, List<FieldError> errors, String reference) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail == null ? "" : detail);
        if (errors != null && !errors.isEmpty()) {
            body.put("errors", errors);
        }
        if (reference != null) {
            body.put("reference", reference);
        }
        return Response.status(status).type(TYPE).entity(body).build();
    }
}
