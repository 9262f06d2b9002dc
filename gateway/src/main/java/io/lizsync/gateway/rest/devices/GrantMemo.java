package io.lizsync.gateway.rest.devices;

import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The registry's answers to the device flow's checks, kept a few seconds (ADR 0021): a device
 * asking every few seconds costs one round of registry calls per {@code ttl}, not one per
 * request. Only successes are kept (a refusal is asked again each time); {@link #forget} drops
 * what a write through this gateway made stale (a device blocked or forgotten, a project's
 * layers set), so only a change made elsewhere (another gateway, the CLI on the registry) can go
 * unseen, for at most {@code ttl}. Bounded: past {@code capacity} entries the expired ones go,
 * then all.
 */
public final class GrantMemo {

    private record Entry(Object value, Instant until) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Duration ttl;
    private final int capacity;
    private final Clock clock;

    public GrantMemo(Duration ttl, int capacity, Clock clock) {
        this.ttl = ttl;
        this.capacity = capacity;
        this.clock = clock;
    }

    /** The kept answer of {@code key} while fresh, else {@code load}'s (kept when it succeeds). */
    @SuppressWarnings("unchecked")
    public <T> Uni<T> get(String key, Supplier<Uni<T>> load) {
        if (ttl.isZero() || ttl.isNegative()) {
            return load.get();
        }
        Entry e = entries.get(key);
        Instant now = clock.instant();
        if (e != null && now.isBefore(e.until())) {
            return Uni.createFrom().item((T) e.value());
        }
        return load.get().invoke(v -> put(key, v, now.plus(ttl)));
    }

    private void put(String key, Object value, Instant until) {
        if (entries.size() >= capacity) {
            Instant now = clock.instant();
            entries.values().removeIf(x -> !now.isBefore(x.until()));
            if (entries.size() >= capacity) {
                entries.clear();
            }
        }
        entries.put(key, new Entry(value, until));
    }

    /** Drops every answer whose key contains {@code part} (a device's id, a project's id). */
    public void forget(String part) {
        entries.keySet().removeIf(k -> k.contains(part));
    }

    public int size() {
        return entries.size();
    }
}
