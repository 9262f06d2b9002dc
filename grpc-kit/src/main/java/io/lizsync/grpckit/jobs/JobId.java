package io.lizsync.grpckit.jobs;

import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A job id: {@code <prefix>-<uuid>}, the prefix naming the service that runs the job ("build"
 * packaging-service, "deploy" sync-service central, "files" file-service) and the UUID in lower
 * case. The gateway routes an id by its prefix; the service that owns it parses it before any use,
 * so that no caller text ever reaches a file name or a query unchecked.
 */
public record JobId(String prefix, UUID uuid) {

    /** Longest text worth reading: a prefix of at most 16 letters, '-', 36 characters. */
    static final int MAX_LENGTH = 16 + 1 + 36;
    private static final Pattern PREFIX = Pattern.compile("[a-z]{1,16}");
    private static final Pattern LOWER_UUID = Pattern.compile(
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    public JobId {
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("a job id prefix is 1 to 16 lower-case letters");
        }
        java.util.Objects.requireNonNull(uuid, "uuid");
    }

    /** A new id with this prefix. */
    public static JobId create(String prefix) {
        return new JobId(prefix, UUID.randomUUID());
    }

    /**
     * The id in {@code text}, which must be one of this service's ({@code prefix}). The messages
     * never repeat the caller's text (it may be huge or hold control characters).
     *
     * @throws IllegalArgumentException when the text is empty, too long, of another service or
     *         not {@code <prefix>-<lower-case uuid>}
     */
    public static JobId parse(String prefix, String text) {
        String found = prefixOf(text);
        if (!found.equals(prefix)) {
            throw new IllegalArgumentException("job_id is not a job of this service (its jobs are " + prefix + "-<uuid>)");
        }
        String rest = text.substring(prefix.length() + 1);
        if (!LOWER_UUID.matcher(rest).matches()) {
            throw new IllegalArgumentException("job_id must be " + prefix + "-<uuid> with the uuid in lower case");
        }
        return new JobId(prefix, UUID.fromString(rest));
    }

    /**
     * The prefix of an id, i.e. which service runs the job (what the gateway routes by).
     *
     * @throws IllegalArgumentException when the text is empty, too long or has no valid prefix
     */
    public static String prefixOf(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("job_id is required");
        }
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("job_id is too long (at most " + MAX_LENGTH + " characters)");
        }
        int dash = text.indexOf('-');
        if (dash <= 0 || !PREFIX.matcher(text.substring(0, dash)).matches()) {
            throw new IllegalArgumentException("job_id must be <kind>-<uuid>, e.g. build-"
                    + new UUID(0, 0).toString().toLowerCase(Locale.ROOT));
        }
        return text.substring(0, dash);
    }

    @Override
    public String toString() {
        return prefix + "-" + uuid;
    }
}
