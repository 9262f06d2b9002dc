package io.lizsync.sync.jobs;

import java.util.UUID;

/**
 * Ids of the jobs this service runs (lizsync.jobs.v1): {@code <prefix>-<uuid>}, the prefix routing
 * the id to its service at the gateway. Small on purpose: it can move to grpc-kit's jobs package.
 */
public final class JobId {

    /** Prefix of a deploy assigned through central (sync-service central). */
    public static final String DEPLOY = "deploy-";

    private JobId() {
    }

    /** {@code prefix + id}. */
    public static String format(String prefix, UUID id) {
        return prefix + id;
    }

    /** The uuid of a job id of {@code prefix}; INVALID_ARGUMENT (IllegalArgumentException) otherwise. */
    public static UUID parse(String prefix, String jobId) {
        if (jobId == null || !jobId.startsWith(prefix)) {
            throw new IllegalArgumentException("job_id: '" + abbreviate(jobId) + "' is not a job of this service"
                    + " (" + prefix + "<uuid>)");
        }
        try {
            UUID id = UUID.fromString(jobId.substring(prefix.length()));
            if (!id.toString().equals(jobId.substring(prefix.length()).toLowerCase(java.util.Locale.ROOT))) {
                throw new IllegalArgumentException("not canonical");
            }
            return id;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("job_id: '" + abbreviate(jobId) + "' is not " + prefix + "<uuid>");
        }
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
