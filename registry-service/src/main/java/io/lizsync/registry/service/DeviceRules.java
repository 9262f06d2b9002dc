package io.lizsync.registry.service;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.lizsync.registry.model.Device;

/** Who may use or register a known device, and when its last seen time is worth a write. */
final class DeviceRules {

    /** A device seen more recently than this keeps its last seen time (no write on every call). */
    static final Duration SEEN_GRANULARITY = Duration.ofMinutes(1);

    private DeviceRules() {
    }

    /**
     * Why {@code userId} may not use or register the known device {@code d}, or null when it may:
     * a blocked device is refused to everyone, a device registered to a user to every other user.
     */
    static String refusal(Device d, UUID userId) {
        if (d.blockedAt != null) {
            return "device " + d.id + " is blocked";
        }
        if (d.userId != null && userId != null && !d.userId.equals(userId)) {
            return "device " + d.id + " is registered to another user";
        }
        return null;
    }

    /** True when the last seen time of a device is old enough to be written again. */
    static boolean seenIsStale(Instant lastSeen, Instant now) {
        return lastSeen == null || !lastSeen.plus(SEEN_GRANULARITY).isAfter(now);
    }
}
