package io.lizsync.registry.service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Counts failed credentials per key (a login, an address) in a sliding window and says how long a
 * key must wait once it has failed {@code limit} times. A pure rule over the instants it is given
 * (callers synchronise; {@link Logins} does). Memory is bounded: keys whose failures all left the
 * window are dropped, and at most {@value #MAX_KEYS} keys are kept (the oldest go first).
 */
public final class LoginThrottle {

    static final int MAX_KEYS = 100_000;

    private final int limit;
    private final Duration window;
    private final Map<String, Deque<Instant>> failures = new LinkedHashMap<>(16, 0.75f, true);

    public LoginThrottle(int limit, Duration window) {
        if (limit < 1) {
            throw new IllegalArgumentException("a throttle needs a limit of at least 1");
        }
        this.limit = limit;
        this.window = window;
    }

    /** How long {@code key} must still wait at {@code now}; empty when it may try. */
    public Optional<Duration> waitFor(String key, Instant now) {
        Deque<Instant> list = recent(key, now);
        if (list == null || list.size() < limit) {
            return Optional.empty();
        }
        Instant oldest = list.peekFirst();
        return Optional.of(Duration.between(now, oldest.plus(window)));
    }

    /** Records a failure of {@code key} at {@code now}. */
    public void failed(String key, Instant now) {
        Deque<Instant> list = recent(key, now);
        if (list == null) {
            trim(now);
            list = new ArrayDeque<>();
            failures.put(key, list);
        }
        list.addLast(now);
        while (list.size() > limit) {
            list.removeFirst();
        }
    }

    /** Forgets the failures of {@code key} (a success). */
    public void succeeded(String key) {
        failures.remove(key);
    }

    int keys() {
        return failures.size();
    }

    private Deque<Instant> recent(String key, Instant now) {
        Deque<Instant> list = failures.get(key);
        if (list == null) {
            return null;
        }
        Instant cut = now.minus(window);
        while (!list.isEmpty() && !list.peekFirst().isAfter(cut)) {
            list.removeFirst();
        }
        if (list.isEmpty()) {
            failures.remove(key);
            return null;
        }
        return list;
    }

    private void trim(Instant now) {
        Instant cut = now.minus(window);
        Iterator<Map.Entry<String, Deque<Instant>>> it = failures.entrySet().iterator();
        while (it.hasNext() && failures.size() >= MAX_KEYS) {
            it.next();
            it.remove();
        }
        // the eldest keys first: drop those whose last failure left the window
        it = failures.entrySet().iterator();
        int looked = 0;
        while (it.hasNext() && looked++ < 8) {
            Deque<Instant> d = it.next().getValue();
            if (d.isEmpty() || !d.peekLast().isAfter(cut)) {
                it.remove();
            }
        }
    }
}
