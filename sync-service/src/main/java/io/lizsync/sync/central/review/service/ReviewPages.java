package io.lizsync.sync.central.review.service;

import io.lizsync.grpckit.PageToken;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

/**
 * Keyset positions of the review's lists, as opaque page tokens (grpc-kit {@link PageToken}): the
 * history by (sync_time, sync_id), conflicts by id, both newest first. A token that is not one this service made is an
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

    private static final String HISTORY = "history";
    private static final String CONFLICTS = "conflicts";

    private ReviewPages() {
    }

    public static String historyToken(Instant syncTime, String syncId) {
        return PageToken.encode(HISTORY, syncTime.toString(), syncId);
    }

    /** The position of a history token, null for the first page. */
    public static HistoryPosition history(String token) {
        List<String> key = PageToken.decode(HISTORY, token, 2);
        if (key == null) {
            return null;
        }
        try {
            return new HistoryPosition(Instant.parse(key.get(0)), UUID.fromString(key.get(1)));
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw notOurs();
        }
    }

    public static String conflictToken(long lastId) {
        return PageToken.encode(CONFLICTS, Long.toString(lastId));
    }

    /** The id a conflicts page continues below, 0 for the first page. */
    public static long conflicts(String token) {
        List<String> key = PageToken.decode(CONFLICTS, token, 1);
        if (key == null) {
            return 0;
        }
        try {
            long id = Long.parseLong(key.get(0));
            if (id <= 0) {
                throw notOurs();
            }
            return id;
        } catch (NumberFormatException e) {
            throw notOurs();
        }
    }

    private static IllegalArgumentException notOurs() {
        return new IllegalArgumentException("page_token: not a page token of this list");
    }
}
