package io.lizsync.sync.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NTP-style offset from four timestamps, the shortest round trip kept. */
class ClockEstimateTest {

    static final Instant T = Instant.parse("2026-12-02T12:00:00Z");

    /** A sample with a true offset (central − clone), one-way delays out and back, on the clone's clock. */
    static ClockEstimate.Sample sample(long startMs, long offsetMs, long outMs, long backMs) {
        Instant t0 = T.plusMillis(startMs);
        Instant t1 = t0.plusMillis(outMs + offsetMs);
        Instant t3 = t0.plusMillis(outMs + backMs);
        return new ClockEstimate.Sample(t0, t1, t3);
    }

    @Test
    void aCloneTenMinutesAheadIsMeasuredWithinHalfTheRoundTrip() {
        var e = ClockEstimate.of(List.of(sample(0, -600_000, 2, 2)));
        assertEquals(Duration.ofMinutes(-10), e.offset());
        assertEquals(Duration.ofMillis(2), e.uncertainty());
    }

    @Test
    void theSampleWithTheShortestRoundTripIsKept() {
        var e = ClockEstimate.of(List.of(sample(0, 5_000, 40, 2), sample(100, 5_000, 1, 1), sample(200, 5_000, 2, 30)));
        assertEquals(Duration.ofMillis(5_000), e.offset());
        assertEquals(Duration.ofMillis(1), e.uncertainty());
        assertEquals(3, e.samples());
    }

    @Test
    void asymmetricDelaysStayWithinTheUncertainty() {
        var e = ClockEstimate.of(List.of(sample(0, 1_000, 9, 1)));
        long error = Math.abs(e.offset().toMillis() - 1_000);
        assertTrue(error <= e.uncertainty().toMillis(), e.toString());
    }

    @Test
    void aSampleWhoseCloneClockSteppedBackIsNotUsed() {
        var bad = new ClockEstimate.Sample(T, T.plusSeconds(1), T.minusMillis(5));
        assertThrows(IllegalArgumentException.class, () -> ClockEstimate.of(List.of(bad)));
        assertEquals(1, ClockEstimate.of(List.of(bad, sample(0, 0, 1, 1))).samples());
    }

    @Test
    void editsCloserThanTheUncertaintyAreFlagged() {
        assertTrue(ClockEstimate.withinUncertainty(T, T.plusMillis(3), Duration.ofMillis(5)));
        assertFalse(ClockEstimate.withinUncertainty(T, T.plusMillis(30), Duration.ofMillis(5)));
        assertFalse(ClockEstimate.withinUncertainty(null, T, Duration.ofMillis(5)));
    }
}
