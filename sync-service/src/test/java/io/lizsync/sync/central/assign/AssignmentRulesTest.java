package io.lizsync.sync.central.assign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lizsync.sync.central.assign.service.AssignmentRules;
import io.lizsync.sync.central.assign.service.AssignmentRules.Cancel;
import io.lizsync.sync.central.assign.service.AssignmentRules.Outcome;
import io.lizsync.grpckit.jobs.JobState;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The decisions about an assigned deploy, without a database. */
class AssignmentRulesTest {

    @Test
    void aQueuedJobIsCancelledAtOnceARunningOneIsAskedAFinishedOneRefused() {
        assertEquals(Cancel.NOW, AssignmentRules.cancel(JobState.QUEUED, false));
        assertEquals(Cancel.ASK, AssignmentRules.cancel(JobState.RUNNING, false));
        assertEquals(Cancel.ALREADY_ASKED, AssignmentRules.cancel(JobState.RUNNING, true));
        for (JobState done : new JobState[] {JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED}) {
            assertEquals(Cancel.REFUSE, AssignmentRules.cancel(done, false), done.name());
        }
    }

    @Test
    void onlyAQueuedJobCanBeClaimed() {
        assertNull(AssignmentRules.claimRefusal(JobState.QUEUED));
        assertTrue(AssignmentRules.claimRefusal(JobState.CANCELLED).contains("cancelled"));
        assertTrue(AssignmentRules.claimRefusal(JobState.RUNNING).contains("already claimed"));
        assertNotNull(AssignmentRules.claimRefusal(JobState.SUCCEEDED));
    }

    @Test
    void reportsMoveARunningJobAndNeverAFinishedOne() {
        assertEquals(JobState.RUNNING, AssignmentRules.report(JobState.RUNNING, false, Outcome.PROGRESS).next());
        assertEquals(JobState.SUCCEEDED, AssignmentRules.report(JobState.RUNNING, false, Outcome.SUCCEEDED).next());
        assertEquals(JobState.FAILED, AssignmentRules.report(JobState.RUNNING, false, Outcome.FAILED).next());
        assertEquals(JobState.CANCELLED, AssignmentRules.report(JobState.RUNNING, true, Outcome.CANCELLED).next());
        // a clone that stops without being asked failed
        assertEquals(JobState.FAILED, AssignmentRules.report(JobState.RUNNING, false, Outcome.CANCELLED).next());
        // central failed it for its silence, or a cancel won: the late report changes nothing
        var late = AssignmentRules.report(JobState.FAILED, false, Outcome.SUCCEEDED);
        assertFalse(late.apply());
        assertEquals(JobState.FAILED, late.next());
        assertNull(late.refusal());
        var unclaimed = AssignmentRules.report(JobState.QUEUED, false, Outcome.SUCCEEDED);
        assertFalse(unclaimed.apply());
        assertNotNull(unclaimed.refusal());
    }

    @Test
    void aRunningJobSilentTooLongIsFailedAndNoOtherIs() {
        Instant heard = Instant.parse("2026-01-01T10:00:00Z");
        Duration silence = Duration.ofMinutes(30);
        assertFalse(AssignmentRules.silentTooLong(JobState.RUNNING, heard, heard.plus(silence), silence));
        assertTrue(AssignmentRules.silentTooLong(JobState.RUNNING, heard, heard.plus(silence).plusSeconds(1), silence));
        assertFalse(AssignmentRules.silentTooLong(JobState.QUEUED, heard, heard.plus(Duration.ofDays(9)), silence));
        assertFalse(AssignmentRules.silentTooLong(JobState.SUCCEEDED, heard, heard.plus(Duration.ofDays(9)), silence));
    }

    @Test
    void percentIsTheClonesElseDoneOfTotalElseUnknown() {
        assertEquals(42, AssignmentRules.percent(42, 0, 0));
        assertEquals(100, AssignmentRules.percent(140, 0, 0));
        assertEquals(25, AssignmentRules.percent(-1, 1, 4));
        assertEquals(-1, AssignmentRules.percent(-1, 5, 0));
    }
}
