package io.lizsync.gateway.rest.jobs;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which service keeps a job, by its id's prefix (jobs.proto) or by its kind: builds are
 * packaging-service's, deploys through central are sync-service's (central).
 */
public final class JobRoutes {

    /** A job id as the services make them: a lower-case prefix, a dash, a UUID. */
    public static final String ID = "[a-z]{1,16}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final Pattern ID_PATTERN = Pattern.compile(ID);

    /** The services that run jobs. */
    public enum Owner {
        PACKAGING("build-", "package-build"),
        SYNC("deploy-", "package-deploy");

        final String prefix;
        final String kind;

        Owner(String prefix, String kind) {
            this.prefix = prefix;
            this.kind = kind;
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
            if (id.startsWith(o.prefix)) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }

    /** The service running jobs of {@code kind}; empty for a kind no service runs. */
    public static Optional<Owner> ofKind(String kind) {
        for (Owner o : Owner.values()) {
            if (o.kind.equals(kind)) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }
}
