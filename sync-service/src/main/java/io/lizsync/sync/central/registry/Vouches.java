package io.lizsync.sync.central.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * registry-service's recent answers about clone credentials, kept a short while ({@code ttl}) so
 * that back-to-back hellos of one clone ask registry once: a credential revoked at registry stops
 * opening sessions at most {@code ttl} later. Keyed by clone and credential hash (never the
 * secret); a refusal forgets the clone. Zero ttl: every hello asks registry.
 */
final class Vouches {

    /** More clones than this in the window: the oldest answers are dropped (asked again). */
    static final int MAX_ENTRIES = 10_000;

    private record Entry(CloneIdentity identity, Instant at) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Duration ttl;
    private final Clock clock;

    Vouches(Duration ttl, Clock clock) {
        this.ttl = ttl;
        this.clock = clock;
    }

    /** registry's answer for this credential when it is younger than the ttl, else null. */
    CloneIdentity fresh(String cloneId, String credentialHash) {
        if (ttl.isZero()) {
            return null;
        }
        Entry e = entries.get(cloneId + ":" + credentialHash);
        return e != null && clock.instant().isBefore(e.at().plus(ttl)) ? e.identity() : null;
    }

    void remember(String cloneId, String credentialHash, CloneIdentity identity) {
        if (ttl.isZero()) {
            return;
        }
        if (entries.size() >= MAX_ENTRIES) {
            Instant oldest = clock.instant().minus(ttl);
            entries.values().removeIf(e -> !e.at().isAfter(oldest));
            if (entries.size() >= MAX_ENTRIES) {
                entries.clear();
            }
        }
        entries.put(cloneId + ":" + credentialHash, new Entry(identity, clock.instant()));
    }

    /** registry refused a credential of this clone: no answer about it is used any more. */
    void forget(String cloneId) {
        entries.keySet().removeIf(k -> k.startsWith(cloneId + ":"));
    }
}
