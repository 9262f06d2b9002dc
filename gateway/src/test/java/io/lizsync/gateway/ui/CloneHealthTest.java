package io.lizsync.gateway.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The overview's state of a clone: never, silent, behind, current, in that order, against the thresholds. */
class CloneHealthTest {

    static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
    static final CloneHealth.Thresholds T = new CloneHealth.Thresholds(Duration.ofHours(1), Duration.ofMinutes(15));

    static CloneHealth.State state(Instant contact, Instant sync, long toCentral, long toClone, long unsentAge) {
        return CloneHealth.of(new CloneHealth.Facts(contact, sync, toCentral, toClone, unsentAge), T, NOW);
    }

    @Test
    void aCloneThatNeverSyncedIsNeverWhateverElse() {
        assertEquals(CloneHealth.State.NEVER, state(NOW, null, 0, 0, 0));
        assertEquals(CloneHealth.State.NEVER, state(null, null, 5, 5, 99_999));
    }

    @Test
    void noContactForLongerThanTheThresholdIsSilent() {
        Instant synced = NOW.minus(Duration.ofHours(3));
        assertEquals(CloneHealth.State.SILENT, state(NOW.minus(Duration.ofMinutes(61)), synced, 0, 0, 0));
        assertEquals(CloneHealth.State.SILENT, state(null, synced, 0, 0, 0));
        assertEquals(CloneHealth.State.CURRENT, state(NOW.minus(Duration.ofMinutes(60)), synced, 0, 0, 0), "at the threshold: not yet");
        assertEquals(CloneHealth.State.SILENT, state(NOW.minus(Duration.ofHours(2)), synced, 3, 0, 0), "silent before behind");
    }

    @Test
    void changesWaitingEitherWayOrAnOldUnsentChangeIsBehind() {
        Instant recent = NOW.minusSeconds(30);
        assertEquals(CloneHealth.State.BEHIND, state(recent, recent, 1, 0, 10));
        assertEquals(CloneHealth.State.BEHIND, state(recent, recent, 0, 1, 0));
        assertEquals(CloneHealth.State.BEHIND, state(recent, recent, 0, 0, 15 * 60 + 1));
        assertEquals(CloneHealth.State.CURRENT, state(recent, recent, 0, 0, 15 * 60));
    }

    @Test
    void theThresholdsAreTheSettings() {
        Instant recent = NOW.minusSeconds(30);
        var strict = new CloneHealth.Thresholds(Duration.ofSeconds(10), Duration.ofSeconds(5));
        assertEquals(CloneHealth.State.SILENT, CloneHealth.of(new CloneHealth.Facts(recent, recent, 0, 0, 0), strict, NOW));
        assertEquals("silent", CloneHealth.State.SILENT.word);
    }
}
