package io.lizsync.sync.central.syncjobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lizsync.grpckit.jobs.JobState;
import io.lizsync.sync.central.syncjobs.service.SyncJobRules;
import io.lizsync.sync.central.syncjobs.service.SyncJobRules.Cancel;
import io.lizsync.sync.central.syncjobs.service.SyncJobRules.Open;
import io.lizsync.sync.central.syncjobs.service.SyncJobRules.Progress;
import org.junit.jupiter.api.Test;

class SyncJobRulesTest {

    @Test
    void aHelloCreatesAdoptsOrLeavesJobs() {
        // nothing to exchange and nothing requested: no job (idle hellos would flood the list)
        assertEquals(Open.NONE, SyncJobRules.open(true, false, false, false));
        // something to exchange: a job of its own, or the operator's request
        assertEquals(Open.CREATE, SyncJobRules.open(false, false, false, false));
        assertEquals(Open.ADOPT, SyncJobRules.open(false, false, false, true));
        // a request whose clone had nothing to exchange: adopted and done at once
        assertEquals(Open.ADOPT_UP_TO_DATE, SyncJobRules.open(true, false, false, true));
        // an assigned deploy runs instead of the session: a request waits for the next one
        assertEquals(Open.LEAVE_QUEUED, SyncJobRules.open(false, true, false, true));
        assertEquals(Open.LEAVE_QUEUED, SyncJobRules.open(true, true, false, true));
        assertEquals(Open.NONE, SyncJobRules.open(false, true, false, false));
        // a clone behind the log retention exchanges nothing at every sync until redeployed: no job
        // each time; a request fails, saying what to do (an assigned deploy, which repairs it, goes first)
        assertEquals(Open.NONE, SyncJobRules.open(false, false, true, false));
        assertEquals(Open.FAIL_REDEPLOY, SyncJobRules.open(false, false, true, true));
        assertEquals(Open.LEAVE_QUEUED, SyncJobRules.open(false, true, true, true));
        assertEquals("push", SyncJobRules.firstStep(false));
        assertEquals("pull", SyncJobRules.firstStep(true));
    }

    @Test
    void progressCountsRowsBothWaysAndNeverSaysDoneBeforeTheEnd() {
        var start = new Progress(0, 1000, 0, 0);
        assertEquals(0, start.done());
        assertEquals(1000, start.total());
        assertEquals(0, start.percent(JobState.RUNNING));
        var halfPush = new Progress(500, 1000, 0, 0);
        assertEquals(50, halfPush.percent(JobState.RUNNING));
        // the clone's count was of log rows; its net changes may be fewer: the push's share is what arrived
        var pushed = new Progress(800, 800, 0, 200);
        assertEquals(1000, pushed.total());
        assertEquals(80, pushed.percent(JobState.RUNNING));
        var pulling = new Progress(800, 800, 150, 200);
        assertEquals(950, pulling.done());
        assertEquals(95, pulling.percent(JobState.RUNNING));
        // everything sent but not acknowledged yet: 99, not 100
        assertEquals(99, new Progress(800, 800, 200, 200).percent(JobState.RUNNING));
        assertEquals(100, new Progress(800, 800, 200, 200).percent(JobState.SUCCEEDED));
        // more arrived than the clone announced (it edited meanwhile): the total grows with it
        var more = new Progress(1200, 1000, 0, 0);
        assertEquals(1200, more.total());
        assertTrue(more.percent(JobState.RUNNING) <= 99);
        // nothing known yet (a pull-only session before its count), and a request still waiting
        assertEquals(-1, new Progress(0, 0, 0, 0).percent(JobState.RUNNING));
        assertEquals(-1, new Progress(0, 0, 0, 0).percent(JobState.QUEUED));
        assertEquals(100, new Progress(0, 0, 0, 0).percent(JobState.SUCCEEDED));
        assertEquals(0, new Progress(0, 0, 0, 0).percent(JobState.CANCELLED));
        // a pull read that overshoots its count (rows to resend) is capped at it
        assertEquals(300, new Progress(0, 0, 500, 300).done());
    }

    @Test
    void aCancellationStopsAQueuedJobAtOnceAndMarksARunningOne() {
        assertEquals(Cancel.NOW, SyncJobRules.cancel(JobState.QUEUED, false));
        assertEquals(Cancel.ASK, SyncJobRules.cancel(JobState.RUNNING, false));
        assertEquals(Cancel.ALREADY_ASKED, SyncJobRules.cancel(JobState.RUNNING, true));
        for (JobState s : new JobState[] {JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED}) {
            assertEquals(Cancel.REFUSE, SyncJobRules.cancel(s, false));
        }
    }

    @Test
    void theSentencesSayWhatWentThrough() {
        assertEquals("1 change to central, 20 changes to the clone, 0 conflicts", SyncJobRules.succeeded(1, 20, 0));
        assertEquals("0 changes to central, 0 changes to the clone, 1 conflict", SyncJobRules.succeeded(0, 0, 1));
        String m = SyncJobRules.cancelled("olga", 12, "before the pull");
        assertTrue(m.startsWith("cancelled by olga at central before the pull: nothing half-applied; 12 changes to"
                + " central"), m);
        assertTrue(m.contains("the rest goes at the next sync"), m);
        assertTrue(SyncJobRules.cancelled("", 0, "during the push").startsWith("cancelled by an operator"));
    }
}
