package io.lizsync.sync.central.review.service;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.UUID;

/**
 * Keyset positions of the review's lists, as opaque page tokens: the history by (sync_time,
 * sync_id), conflicts by id, both newest first. A token that is not one this service made is an
 * IllegalArgumentException (INVALID_ARGUMENT), never a query.
 */
public final class ReviewPages {

    /** Where a history page starts: strictly older than this item. */
    public record HistoryPosition(Instant syncTime, UUID syncId) {
    }

    /** The directions of the history filter. */
    public enum Direction {
        ANY, TO_CENTRAL, TO_CLONE;

        /** "", "to_central" or "to_clone". */
        public static Direction parse(String text) {
            return switch (text == null ? "" : text) {
                case "" -> ANY;
                case "to_central" -> TO_CENTRAL;
                case "to_clone" -> TO_CLONE;
                default -> throw new IllegalArgumentException("direction: to_central, to_clone or empty");
            };
        }
    }

    private ReviewPages() {
    }

    public static String historyToken(Instant syncTime, String syncId) {
        return encode("h:" + syncTime + "|" + syncId);
    }

    /** The position of a history token, null for the first page. */
    public static HistoryPosition history(String token) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        String text = decode(token);
        int bar = text.indexOf('|');
        if (!text.startsWith("h:") || bar < 0) {
            throw notOurs();
        }
        try {
            return new HistoryPosition(Instant.parse(text.substring(2, bar)), UUID.fromString(text.substring(bar + 1)));
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw notOurs();
        }
    }

    public static String conflictToken(long lastId) {
        return encode("c:" + lastId);
    }

    /** The id a conflicts page continues below, 0 for the first page. */
    public static long conflicts(String token) {
        if (token == null || token.isEmpty()) {
            return 0;
        }
        String text = decode(token);
        if (!text.startsWith("c:")) {
            throw notOurs();
        }
        try {
            long id = Long.parseLong(text.substring(2));
            if (id <= 0) {
                throw notOurs();
            }
            return id;
        } catch (NumberFormatException e) {
            throw notOurs();
        }
    }

    private static String encode(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String token) {
        if (token.length() > 200) {
            throw notOurs();
        }
        try {
            return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw notOurs();
        }
    }

    private static IllegalArgumentException notOurs() {
        return new IllegalArgumentException("page_token: not a page token of this list");
    }
}
