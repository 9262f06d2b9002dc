package io.lizsync.grpckit.jobs;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Keyset pages of jobs for {@code ListJobs}: newest first by {@code created_at}, then by id (both
 * descending, as {@code ORDER BY created_at DESC, id DESC} with {@code (created_at, id) < (?, ?)}
 * in SQL), so that a page never repeats or skips a job however many start meanwhile. The token is
 * opaque to callers: the key of the last job of the page.
 */
public final class JobPages {

    /** Default and largest page sizes (jobs.v1 contract). */
    public static final int DEFAULT_PAGE_SIZE = 50;
    public static final int MAX_PAGE_SIZE = 500;

    private static final String VERSION = "j1";

    private JobPages() {
    }

    /** The position after which a page starts: the key of the previous page's last job. */
    public record Key(Instant createdAt, String id) {

        public Key {
            java.util.Objects.requireNonNull(createdAt, "createdAt");
            java.util.Objects.requireNonNull(id, "id");
        }

        /** Newest first, then by id, descending. */
        public static final Comparator<Key> NEWEST_FIRST = Comparator.comparing(Key::createdAt)
                .thenComparing(Key::id).reversed();

        /** The token that resumes after this key. */
        public String token() {
            String text = VERSION + ":" + createdAt.getEpochSecond() + ":" + createdAt.getNano() + ":" + id;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
        }

        /**
         * The key of a token from {@link #token()}; ids are checked with {@code prefix}.
         *
         * @throws IllegalArgumentException for anything else
         */
        public static Key parse(String token, String prefix) {
            try {
                if (token.length() > 200) {
                    throw new IllegalArgumentException();
                }
                String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":", -1);
                if (parts.length != 4 || !parts[0].equals(VERSION)) {
                    throw new IllegalArgumentException();
                }
                Instant at = Instant.ofEpochSecond(Long.parseLong(parts[1]), Integer.parseInt(parts[2]));
                return new Key(at, JobId.parse(prefix, parts[3]).toString());
            } catch (IllegalArgumentException | java.time.DateTimeException e) {
                throw new IllegalArgumentException("page_token is not a token returned by ListJobs");
            }
        }
    }

    /** One page and the token of the next one (empty on the last page). */
    public record Page<T>(List<T> items, String nextPageToken) {
    }

    /**
     * The page size a request means: 0 the default, at most {@link #MAX_PAGE_SIZE}.
     *
     * @throws IllegalArgumentException for a negative size
     */
    public static int pageSize(int requested) {
        if (requested < 0) {
            throw new IllegalArgumentException("page_size must not be negative");
        }
        return requested == 0 ? DEFAULT_PAGE_SIZE : Math.min(requested, MAX_PAGE_SIZE);
    }

    /**
     * One page of {@code jobs} (in any order) kept by {@code filter}, after {@code pageToken}
     * (empty for the first page). For a service that holds its jobs in memory.
     */
    public static <T> Page<T> page(List<T> jobs, Function<T, Key> key, Predicate<T> filter, String prefix,
            int requestedSize, String pageToken) {
        int size = pageSize(requestedSize);
        Key after = pageToken == null || pageToken.isEmpty() ? null : Key.parse(pageToken, prefix);
        Comparator<T> order = Comparator.comparing(key, Key.NEWEST_FIRST);
        List<T> rest = jobs.stream().filter(filter)
                .filter(j -> after == null || Key.NEWEST_FIRST.compare(key.apply(j), after) > 0)
                .sorted(order).limit(size + 1L).toList();
        if (rest.size() <= size) {
            return new Page<>(rest, "");
        }
        List<T> page = rest.subList(0, size);
        return new Page<>(List.copyOf(page), key.apply(page.get(size - 1)).token());
    }
}
