package io.lizsync.grpckit.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobRetentionTest {

    static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    record J(String name, JobState state, Instant created, Instant finished) {
        JobRetention.Facts facts() {
            return new JobRetention.Facts(new JobPages.Key(created, "build-" + name), state, finished);
        }
    }

    @Test
    void finishedJobsGoAfterTheirTimeOrBeyondTheNewestMax() {
        J old = new J("a-old", JobState.SUCCEEDED, NOW.minus(Duration.ofDays(40)), NOW.minus(Duration.ofDays(31)));
        J oldButRunning = new J("b-running", JobState.RUNNING, NOW.minus(Duration.ofDays(40)), null);
        J oldQueued = new J("c-queued", JobState.QUEUED, NOW.minus(Duration.ofDays(50)), null);
        J endedLate = new J("d-late", JobState.FAILED, NOW.minus(Duration.ofDays(40)), NOW.minus(Duration.ofDays(29)));
        J recent1 = new J("e-1", JobState.CANCELLED, NOW.minusSeconds(30), NOW.minusSeconds(20));
        J recent2 = new J("f-2", JobState.SUCCEEDED, NOW.minusSeconds(20), NOW.minusSeconds(10));
        J recent3 = new J("g-3", JobState.FAILED, NOW.minusSeconds(10), NOW.minusSeconds(5));
        List<J> all = List.of(old, oldButRunning, oldQueued, endedLate, recent1, recent2, recent3);

        assertEquals(List.of(old), new JobRetention(Duration.ofDays(30), 1000).toForget(all, J::facts, NOW),
                "30 days after it ended; jobs not over stay");
        assertEquals(List.of(recent1, endedLate, old), new JobRetention(Duration.ofDays(30), 2).toForget(all, J::facts, NOW),
                "the newest two finished stay");
        assertEquals(List.of(recent3, recent2, recent1, endedLate, old),
                new JobRetention(Duration.ofDays(30), 0).toForget(all, J::facts, NOW));
        assertEquals(List.of(), new JobRetention(Duration.ofDays(30), 10).toForget(List.<J>of(), J::facts, NOW));
    }

    @Test
    void aNegativeRetentionIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new JobRetention(Duration.ofDays(-1), 1));
        assertThrows(IllegalArgumentException.class, () -> new JobRetention(Duration.ofDays(1), -1));
    }
}
