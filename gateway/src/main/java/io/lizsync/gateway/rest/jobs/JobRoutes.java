package io.lizsync.gateway.rest.jobs;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which service keeps a job, by its id's prefix (jobs.proto) or by its kind: builds are
 * packaging-service's; deploys through central and clones' sync sessions (ADR 0019) are
 * sync-service's (central), which routes them further by prefix itself; the FTP file operations
 * (ADR 0022, 0023) are file-service's.
 */
public final class JobRoutes {

    /** A job id as the services make them: a lower-case prefix, a dash, a UUID. */
    public static final String ID = "[a-z]{1,16}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final Pattern ID_PATTERN = Pattern.compile(ID);

    /** The kinds of job the API lists (the {@code kind} query parameter's pattern). */
    public static final String KINDS = "package-build|package-deploy|clone-sync|ftp-get-projects|ftp-send-projects|ftp-sync-media";

    /** The services that run jobs. */
    public enum Owner {
        PACKAGING(java.util.List.of("build-"), java.util.List.of("package-build")),
        SYNC(java.util.List.of("deploy-", "sync-"), java.util.List.of("package-deploy", "clone-sync")),
        FILES(java.util.List.of("files-"), java.util.List.of("ftp-get-projects", "ftp-send-projects", "ftp-sync-media"));

        final java.util.List<String> prefixes;
        final java.util.List<String> kinds;

        Owner(java.util.List<String> prefixes, java.util.List<String> kinds) {
            this.prefixes = prefixes;
            this.kinds = kinds;
        }
    }

    private JobRoutes() {
    }

    /** The service keeping the job {@code id}; empty for an id no service makes (an unknown job). */
    public static Optional<Owner> ofId(String id) {
        if (id == null || !ID_PATTERN.matcher(id).matches()) {
            return Optional.empty();
        }
        for (Owner o : Owner.values()) {
            for (String prefix : o.prefixes) {
                if (id.startsWith(prefix)) {
                    return Optional.of(o);
                }
            }
        }
        return Optional.empty();
    }

    /** The service running jobs of {@code kind}; empty for a kind no service runs. */
    public static Optional<Owner> ofKind(String kind) {
        for (Owner o : Owner.values()) {
            if (o.kinds.contains(kind)) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }
}
