package io.lizsync.grpckit.jobs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressThrottleTest {

    private static final long MS = 1_000_000L;

    @Test
    void firstReportStepChangesAndEachIntervalPass() {
        var t = new ProgressThrottle(Duration.ofMillis(250));
        long t0 = 7_000 * MS;
        assertTrue(t.pass("data: a.b", t0), "the first report");
        assertFalse(t.pass("data: a.b", t0 + 10 * MS));
        assertFalse(t.pass("data: a.b", t0 + 249 * MS));
        assertTrue(t.pass("data: a.b", t0 + 250 * MS), "an interval later");
        assertTrue(t.pass("data: a.c", t0 + 251 * MS), "a new step at once");
        assertFalse(t.pass("data: a.c", t0 + 300 * MS));
        assertTrue(t.pass("archive", t0 + 301 * MS));
        assertTrue(t.pass(null, t0 + 302 * MS), "null is a step too");
    }

    @Test
    void aNegativeIntervalIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ProgressThrottle(Duration.ofMillis(-1)));
    }
}
