package io.lizsync.sync.jobs;

import io.lizsync.grpckit.jobs.JobId;
import io.lizsync.grpckit.jobs.JobPages;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * ListJobs for the jobs central keeps in a table (deploys, sync sessions): the request's kind and
 * subject ("clone:&lt;uuid&gt;") as a query of this kind of job, and a page of rows read with
 * {@code limit} (one more than the page) as the page and the next token. Another kind, or a
 * subject that is not a clone, has no job of this kind: an empty page.
 */
public final class JobListing {

    /** What a subject names. */
    public static final String CLONE_SUBJECT = "clone:";

    private JobListing() {
    }

    /** The rows to read: none at all, or of one clone (null for all) after a keyset position, at most {@code limit}. */
    public record Query(boolean none, String cloneId, OffsetDateTime afterCreated, UUID afterId, int size) {
        /** Rows to read: one more than the page, to know whether another follows. */
        public int limit() {
            return size + 1;
        }
    }

    /**
     * The query of a ListJobs request for jobs of {@code kind} with ids {@code prefix}-&lt;uuid&gt;.
     *
     * @throws IllegalArgumentException for a bad page size or token, or a clone subject that is not a uuid
     */
    public static Query query(String kind, String prefix, String requestedKind, String subject, int pageSize,
            String pageToken) {
        int size = JobPages.pageSize(pageSize);
        JobPages.Key after = pageToken == null || pageToken.isEmpty() ? null : JobPages.Key.parse(pageToken, prefix);
        if (requestedKind != null && !requestedKind.isEmpty() && !requestedKind.equals(kind)) {
            return new Query(true, null, null, null, size);
        }
        String clone = null;
        if (subject != null && !subject.isEmpty()) {
            if (!subject.startsWith(CLONE_SUBJECT)) {
                return new Query(true, null, null, null, size);
            }
            String id = subject.substring(CLONE_SUBJECT.length());
            try {
                clone = UUID.fromString(id).toString();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("subject: not clone:<uuid>");
            }
        }
        return new Query(false, clone, after == null ? null : OffsetDateTime.ofInstant(after.createdAt(), ZoneOffset.UTC),
                after == null ? null : JobId.parse(prefix, after.id()).uuid(), size);
    }

    /** The page of {@code rows} (read with {@link Query#limit()}) and the next page's token (empty on the last). */
    public static <T> JobPages.Page<T> page(List<T> rows, Query q, Function<T, JobPages.Key> key) {
        if (rows.size() <= q.size()) {
            return new JobPages.Page<>(List.copyOf(rows), "");
        }
        List<T> page = List.copyOf(rows.subList(0, q.size()));
        return new JobPages.Page<>(page, key.apply(page.get(q.size() - 1)).token());
    }
}
