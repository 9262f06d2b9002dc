package io.lizsync.files.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lizsync.grpckit.jobs.JobFinishedException;
import io.lizsync.grpckit.jobs.JobNotFoundException;
import io.lizsync.grpckit.jobs.JobQueueFullException;
import io.lizsync.grpckit.jobs.JobState;
import io.lizsync.proto.files.v1.FileOperationReport;
import io.lizsync.proto.jobs.v1.Job;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File jobs over a real store folder: run, report, cancel, a full queue, and a restart. */
class FileJobsTest {

    @TempDir
    Path dir;

    private static Job await(FileJobs jobs, String id) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            Job j = jobs.get(id);
            if (FileJobs.state(j).isTerminal()) {
                return j;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("job " + id + " did not end");
    }

    @Test
    void aJobRunsEndsWithItsReportAndSurvivesARestartAsItWas() throws Exception {
        FileJobs jobs = new FileJobs(dir, 1, 4, Duration.ofDays(1), 10);
        Job queued = jobs.start("ftp-get-projects", "ftp:central", "op", ctx -> {
            ctx.progress("transfer", 50, 100);
            return new FileJobs.Outcome(JobState.SUCCEEDED, "", "1 transferred",
                    FileOperationReport.newBuilder().setFilesTransferred(1).build());
        });
        assertTrue(queued.getId().startsWith("files-"));
        assertEquals("JOB_STATE_QUEUED", queued.getState().name());
        Job done = await(jobs, queued.getId());
        assertEquals("JOB_STATE_SUCCEEDED", done.getState().name());
        assertEquals("report:" + done.getId(), done.getResult());
        assertEquals(100, done.getPercent());
        assertEquals(1, jobs.report(done.getId()).getFilesTransferred());
        assertEquals("ftp-get-projects", jobs.report(done.getId()).getKind());
        jobs.stop();

        FileJobs after = new FileJobs(dir, 1, 4, Duration.ofDays(1), 10);
        assertEquals(done, after.get(done.getId()));
        assertEquals(1, after.report(done.getId()).getFilesTransferred());
        assertThrows(IllegalArgumentException.class, () -> after.get("build-" + java.util.UUID.randomUUID()));
        assertThrows(JobNotFoundException.class, () -> after.get("files-" + java.util.UUID.randomUUID()));
        after.stop();
    }

    @Test
    void aJobRunningWhenTheServiceStopsIsFailedAbortedAtTheNextStart() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        FileJobs jobs = new FileJobs(dir, 1, 4, Duration.ofDays(1), 10);
        Job j = jobs.start("ftp-send-projects", "ftp:clone", "op", ctx -> {
            running.countDown();
            never.await(); // never ends by itself: a "kill" of the process
            return null;
        });
        assertTrue(running.await(5, TimeUnit.SECONDS));
        // A new process over the same folder, the old one still "running" (killed, its files as they were).
        FileJobs restarted = new FileJobs(dir, 1, 4, Duration.ofDays(1), 10);
        Job aborted = restarted.get(j.getId());
        assertEquals("JOB_STATE_FAILED", aborted.getState().name());
        assertEquals("ABORTED", aborted.getErrorCode());
        assertTrue(aborted.getMessage().contains("next run resumes"), aborted.getMessage());
        assertThrows(JobNotFoundException.class, () -> restarted.report(j.getId()), "it never wrote a report");
        restarted.stop();
        never.countDown();
        jobs.stop();
    }

    @Test
    void queuedJobsCancelAtOnceAndAFullQueueRefuses() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        FileJobs jobs = new FileJobs(dir, 1, 2, Duration.ofDays(1), 10);
        Job first = jobs.start("k", "s", "op", ctx -> {
            release.await();
            return new FileJobs.Outcome(ctx.cancelled() ? JobState.CANCELLED : JobState.SUCCEEDED, "", "done", null);
        });
        Job second = jobs.start("k", "s", "op", ctx -> new FileJobs.Outcome(JobState.SUCCEEDED, "", "ran", null));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (FileJobs.state(jobs.get(first.getId())) != JobState.RUNNING && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        Job third = jobs.start("k", "s", "op", ctx -> new FileJobs.Outcome(JobState.SUCCEEDED, "", "ran", null));
        assertThrows(JobQueueFullException.class,
                () -> jobs.start("k", "s", "op", ctx -> new FileJobs.Outcome(JobState.SUCCEEDED, "", "", null)));
        assertEquals("JOB_STATE_CANCELLED", jobs.cancel(second.getId()).getState().name());
        Job running = jobs.cancel(first.getId());
        assertTrue(running.getCancelRequested());
        assertEquals("JOB_STATE_RUNNING", running.getState().name());
        release.countDown();
        assertEquals("JOB_STATE_CANCELLED", await(jobs, first.getId()).getState().name());
        assertEquals("JOB_STATE_SUCCEEDED", await(jobs, third.getId()).getState().name());
        assertEquals("JOB_STATE_CANCELLED", jobs.get(second.getId()).getState().name(), "a cancelled job never runs");
        assertThrows(JobFinishedException.class, () -> jobs.cancel(third.getId()));
        assertThrows(JobNotFinishedException.class, () -> {
            Job slow = jobs.start("k", "s", "op", ctx -> {
                Thread.sleep(2000);
                return null;
            });
            jobs.report(slow.getId());
        });
        jobs.stop();
    }
}
