package io.lizsync.sync.config;

import jakarta.inject.Singleton;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The roles this process holds ({@code lizsync.sync.roles}): the central part (tools
 * administration, the exchange with clones, the review of conflicts), the clone part (the
 * sidecar: deploys, sync sessions with its central), or both in one process (a tier: the clone
 * of its parent and the central of its children). Every role check of sync-service asks this
 * one bean; a part a process does not hold answers FAILED_PRECONDITION and runs no jobs.
 */
@Singleton
public class NodeRoles {

    private final Set<SyncConfig.Role> roles;

    @jakarta.inject.Inject
    public NodeRoles(SyncConfig config) {
        this(config.roles());
    }

    /** For tests and tools: these roles, whatever the configuration says. */
    public NodeRoles(Set<SyncConfig.Role> roles) {
        if (roles == null || roles.isEmpty()) {
            throw new IllegalArgumentException("lizsync.sync.roles: at least one of central, clone");
        }
        this.roles = EnumSet.copyOf(roles);
    }

    public boolean isCentral() {
        return roles.contains(SyncConfig.Role.central);
    }

    public boolean isClone() {
        return roles.contains(SyncConfig.Role.clone);
    }

    /** The roles as configured, e.g. "central,clone". */
    public String describe() {
        return roles.stream().map(Enum::name).collect(Collectors.joining(","));
    }

    /**
     * Refuses {@code part} (what the caller asked for, e.g. "the exchange") unless this process
     * holds {@code role}.
     */
    public void require(SyncConfig.Role role, String part) {
        if (!roles.contains(role)) {
            throw new NotHeldException(part + " is served by a sync-service holding the " + role
                    + " role; this one holds " + describe() + " (lizsync.sync.roles)");
        }
    }

    /** A call to a part this process does not hold. */
    public static final class NotHeldException extends RuntimeException {
        NotHeldException(String message) {
            super(message);
        }
    }
}
