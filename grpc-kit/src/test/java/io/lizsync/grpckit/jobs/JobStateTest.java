package io.lizsync.grpckit.jobs;

import static io.lizsync.grpckit.jobs.JobState.CANCELLED;
import static io.lizsync.grpckit.jobs.JobState.FAILED;
import static io.lizsync.grpckit.jobs.JobState.QUEUED;
import static io.lizsync.grpckit.jobs.JobState.RUNNING;
import static io.lizsync.grpckit.jobs.JobState.SUCCEEDED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JobStateTest {

    @Test
    void exactlyTheseMovesAreAllowed() {
        Set<String> allowed = Set.of("QUEUED>RUNNING", "QUEUED>FAILED", "QUEUED>CANCELLED", "RUNNING>SUCCEEDED",
                "RUNNING>FAILED", "RUNNING>CANCELLED");
        for (JobState from : JobState.values()) {
            for (JobState to : JobState.values()) {
                boolean expected = allowed.contains(from + ">" + to);
                assertEquals(expected, from.canMoveTo(to), from + " > " + to);
                if (expected) {
                    assertEquals(to, from.moveTo(to));
                } else {
                    assertThrows(IllegalStateException.class, () -> from.moveTo(to), from + " > " + to);
                }
            }
        }
    }

    @Test
    void finalStatesAreTheOnesNeverLeft() {
        assertEquals(EnumSet.of(SUCCEEDED, FAILED, CANCELLED), EnumSet.copyOf(
                java.util.Arrays.stream(JobState.values()).filter(JobState::isTerminal).toList()));
        for (JobState s : JobState.values()) {
            boolean leavesSomewhere = java.util.Arrays.stream(JobState.values()).anyMatch(s::canMoveTo);
            assertEquals(!s.isTerminal(), leavesSomewhere, s.name());
        }
    }

    @Test
    void cancellingDependsOnTheState() {
        assertEquals(JobState.CancelOutcome.CANCELLED_NOW, QUEUED.onCancel());
        assertEquals(JobState.CancelOutcome.STOP_AT_SAFE_POINT, RUNNING.onCancel());
        for (JobState s : EnumSet.of(SUCCEEDED, FAILED, CANCELLED)) {
            assertEquals(JobState.CancelOutcome.ALREADY_FINISHED, s.onCancel());
        }
    }

    @Test
    void theLabelIsTheLowerCaseNameBothWays() {
        for (JobState s : JobState.values()) {
            org.junit.jupiter.api.Assertions.assertEquals(s, JobState.ofLabel(s.label()));
        }
        org.junit.jupiter.api.Assertions.assertEquals("cancelled", JobState.CANCELLED.label());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> JobState.ofLabel("done"));
    }
}
