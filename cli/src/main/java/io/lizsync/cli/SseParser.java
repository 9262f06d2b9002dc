package io.lizsync.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Server-sent events as the HTML standard parses them, reduced to what the jobs stream uses: the
 * {@code data:} lines of an event joined by newlines, dispatched at the blank line that ends it.
 * Comments ({@code :...}), {@code event}, {@code id} and {@code retry} fields are read and dropped;
 * an event without data is not dispatched.
 */
final class SseParser {

    private final List<String> data = new ArrayList<>();

    /**
     * Takes one line (without its end of line); returns the data of the event it ends, or null.
     */
    String line(String line) {
        if (line.isEmpty()) {
            if (data.isEmpty()) {
                return null;
            }
            String event = String.join("\n", data);
            data.clear();
            return event;
        }
        if (line.startsWith(":")) {
            return null;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        if (field.equals("data")) {
            data.add(value);
        }
        return null;
    }

    /**
     * Reads events from {@code in} until it ends or {@code onEvent} answers false; an event still
     * open at the end of the stream is dropped, as the standard says.
     */
    void read(BufferedReader in, Predicate<String> onEvent) throws IOException {
        for (String l; (l = in.readLine()) != null; ) {
            String event = line(l);
            if (event != null && !onEvent.test(event)) {
                return;
            }
        }
    }
}
