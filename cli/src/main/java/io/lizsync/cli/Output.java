package io.lizsync.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.util.Locale;

/**
 * What a command prints on stdout: human lines, or with {@code --json} the gateway's JSON as it
 * came (one document per command), so that scripts read fields rather than sentences. Progress,
 * notes and errors go to stderr in both cases.
 */
final class Output {

    private final PrintStream out;
    private final boolean json;
    private final ObjectMapper mapper;

    Output(PrintStream out, boolean json, ObjectMapper mapper) {
        this.out = out;
        this.json = json;
        this.mapper = mapper;
    }

    boolean json() {
        return json;
    }

    /** Prints {@code node} as JSON (with {@code --json}). */
    void document(JsonNode node) {
        try {
            out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A human line (never with {@code --json}). */
    void line(String text) {
        if (!json) {
            out.println(text);
        }
    }

    void printf(String format, Object... args) {
        if (!json) {
            out.printf(Locale.ROOT, format, args);
        }
    }

    /** Items as columns: a header of the field names, then one line per item (or the JSON list with --json). */
    void table(java.util.List<JsonNode> items, String... fields) {
        if (json) {
            document(mapper.valueToTree(java.util.Map.of("items", items)));
            return;
        }
        out.println(String.join("\t", fields));
        for (JsonNode item : items) {
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < fields.length; i++) {
                JsonNode v = item.path(fields[i]);
                s.append(i == 0 ? "" : "\t").append(v.isContainerNode() ? v.toString() : text(item, fields[i]));
            }
            out.println(s);
        }
    }

    PrintStream stream() {
        return out;
    }

    /** Bytes, with a binary-unit reading beside them. */
    static String size(long bytes) {
        return bytes < 1024 ? bytes + " bytes" : bytes + " bytes (" + shortSize(bytes) + ")";
    }

    static String shortSize(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** A text field of a JSON answer on one line (control characters blanked), "" when absent. */
    static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isMissingNode() || v.isNull() ? "" : v.asText().replaceAll("\\p{Cntrl}+", " ").strip();
    }
}
