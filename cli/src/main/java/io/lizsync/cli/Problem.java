package io.lizsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * A refusal of the gateway: its problem document (RFC 9457: title, status, detail, the fields at
 * fault), or what stands for one when the body was something else (a proxy's HTML page).
 */
record Problem(int status, String title, String detail, List<FieldError> errors) {

    record FieldError(String field, String message) {
    }

    /** The problem an answer with {@code status} and {@code body} carries. */
    static Problem parse(int status, String contentType, String body, ObjectMapper json) {
        if (contentType != null && contentType.contains("json") && body != null && !body.isBlank()) {
            try {
                JsonNode n = json.readTree(body);
                List<FieldError> errors = new ArrayList<>();
                for (JsonNode e : n.path("errors")) {
                    errors.add(new FieldError(e.path("field").asText(""), e.path("message").asText("")));
                }
                return new Problem(n.path("status").asInt(status), n.path("title").asText(""),
                        n.path("detail").asText(""), List.copyOf(errors));
            } catch (java.io.IOException notJson) {
                // fall through: described by its status only
            }
        }
        return new Problem(status, "HTTP " + status, "", List.of());
    }

    /** One line (and one per field at fault) for stderr. */
    String describe() {
        StringBuilder s = new StringBuilder();
        s.append(title.isBlank() ? "HTTP " + status : title).append(" (").append(status).append(')');
        if (!detail.isBlank()) {
            s.append(": ").append(detail);
        }
        for (FieldError e : errors) {
            s.append(System.lineSeparator()).append("  ").append(e.field()).append(": ").append(e.message());
        }
        return s.toString();
    }

    int exitCode() {
        return ExitCodes.ofHttpStatus(status);
    }
}
