package io.lizsync.registry.service;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Current time at the precision PostgreSQL stores, so that what is returned equals what is read back. */
public final class TimeSource {

    private TimeSource() {
    }

    public static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
