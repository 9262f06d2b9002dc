package io.lizsync.sync.central.devices.service;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * When an upload also prunes the answers past their retention (pure but for the clock it is
 * given): at most once per interval in a process, the first upload after it does (the others
 * never wait for it).
 */
public final class UploadRetention {

    private final Duration interval;
    private final AtomicReference<Instant> last = new AtomicReference<>();

    public UploadRetention(Duration interval) {
        this.interval = interval;
    }

    /** True for the one caller that should prune now (and records it). */
    public boolean claim(Instant now) {
        Instant before = last.get();
        if (before != null && now.isBefore(before.plus(interval))) {
            return false;
        }
        return last.compareAndSet(before, now);
    }
}
