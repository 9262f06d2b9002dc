package io.lizsync.sync.central.devices;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lizsync.sync.central.devices.service.UploadRetention;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** When an upload prunes the answers past their retention: at most once per interval. */
class UploadRetentionTest {

    @Test
    void theFirstUploadOfEachIntervalPrunes() {
        Instant t0 = Instant.parse("2026-12-07T10:00:00Z");
        UploadRetention r = new UploadRetention(Duration.ofMinutes(1));
        assertTrue(r.claim(t0), "the first upload");
        assertFalse(r.claim(t0.plusSeconds(59)), "within the interval");
        assertTrue(r.claim(t0.plusSeconds(60)), "once it has passed");
        assertFalse(r.claim(t0.plusSeconds(61)));
    }

    @Test
    void aZeroIntervalPrunesOnEveryUpload() {
        Instant t0 = Instant.parse("2026-12-07T10:00:00Z");
        UploadRetention r = new UploadRetention(Duration.ZERO);
        assertTrue(r.claim(t0));
        assertTrue(r.claim(t0));
        assertTrue(r.claim(t0.plusMillis(1)));
    }
}
