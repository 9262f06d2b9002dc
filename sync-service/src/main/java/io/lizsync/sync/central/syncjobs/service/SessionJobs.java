package io.lizsync.sync.central.syncjobs.service;

import io.lizsync.grpckit.jobs.JobState;
import io.lizsync.grpckit.jobs.ProgressThrottle;
import io.lizsync.sync.central.exchange.service.ExchangeException;
import io.lizsync.sync.central.exchange.service.ExchangeException.Reason;
import io.lizsync.sync.central.syncjobs.repository.SyncJobRepository;
import io.lizsync.sync.central.syncjobs.repository.SyncJobRepository.SyncJob;
import io.lizsync.sync.db.Db;
import io.lizsync.sync.grpc.GrpcErrors;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The exchange's side of sync-session jobs (ADR 0019): what each step of a clone's session does to
 * its job. Hello opens (or adopts) it, the push and the pull report throttled progress and stop
 * at their safe points when an operator cancelled, the push that needs no pull or the
 * acknowledgement ends it, a failure fails it. The steps that commit something move the job in
 * their own transaction (the job and what it says happened commit together); the progress and the
 * failures are written apart (they must not hold a push's locks longer), and one that cannot be
 * written is only logged: it never fails the sync itself.
 */
@ApplicationScoped
public class SessionJobs {

    private static final Logger LOG = Logger.getLogger(SessionJobs.class);

    private final SyncJobRepository repository;
    private final SyncJobWatch watch;

    SessionJobs(SyncJobRepository repository, SyncJobWatch watch) {
        this.repository = repository;
        this.watch = watch;
    }

    /** What hello did to the clone's jobs; {@code jobId} the session's job, null for none. */
    public record Opened(UUID jobId, boolean changed) {
    }

    /**
     * The clone's open (queued and running) jobs, locked: hello sends it with its other statements
     * (one round trip for an idle hello) and gives the rows to {@link #hello}.
     */
    public static final String OPEN_JOBS = """
            SELECT job_id, state FROM lizsync.sync_jobs
            WHERE clone_id = $1::uuid AND state IN ('queued', 'running') FOR UPDATE""";

    /**
     * Hello, in its transaction (the clone's state row is locked: one hello of a clone at a time),
     * with the rows of {@link #OPEN_JOBS}. A job still running from an earlier session is over (the
     * clone opened a new one); then the session runs as a new job, adopts an operator's queued
     * request, or has none.
     */
    public Opened hello(SqlConnection c, RowSet<Row> openJobs, String cloneId, String sessionId, boolean upToDate,
            boolean nothingToPush, long unsent, boolean assignmentOpen, boolean redeployRequired) {
        boolean changed = false;
        UUID queued = null;
        for (Row r : openJobs) {
            if (JobState.ofLabel(r.getString(1)) == JobState.RUNNING) {
                SyncJobRepository.finish(c, r.getUUID(0), null, JobState.FAILED, null, null, null, null, "",
                        "abandoned: the clone opened a new session before this one ended; nothing half-applied, what"
                                + " it did not complete goes in the new session", "ABORTED");
                changed = true;
            } else {
                queued = r.getUUID(0);
            }
        }
        String step = SyncJobRules.firstStep(nothingToPush);
        long pushTotal = nothingToPush ? 0 : Math.max(0, unsent);
        UUID job = null;
        switch (SyncJobRules.open(upToDate, assignmentOpen, redeployRequired, queued != null)) {
            case NONE, LEAVE_QUEUED -> {
            }
            case CREATE -> {
                job = UUID.randomUUID();
                SyncJobRepository.insertRunning(c, job, cloneId, sessionId, step, pushTotal);
            }
            case ADOPT -> {
                job = queued;
                SyncJobRepository.adopt(c, job, sessionId, step, pushTotal);
            }
            case ADOPT_UP_TO_DATE -> {
                job = queued;
                SyncJobRepository.finish(c, job, null, JobState.SUCCEEDED, "done", 0L, 0L, 0L, "",
                        SyncJobRules.UP_TO_DATE, "");
            }
            case FAIL_REDEPLOY -> {
                job = queued;
                SyncJobRepository.finish(c, job, null, JobState.FAILED, "hello", 0L, 0L, 0L, "", SyncJobRules.REDEPLOY,
                        "FAILED_PRECONDITION");
            }
        }
        return new Opened(job, changed || job != null);
    }

    /** A hello refused (versions, structure): an operator's request waiting for this clone fails with the refusal. */
    public void refused(String cloneId, Throwable refusal) {
        quietly("refused hello", () -> {
            SyncJob queued = repository.queued(cloneId);
            if (queued != null && !SyncJobRepository.finish(repository.pool(), queued.jobId(), null, JobState.FAILED,
                    "hello refused", null, null, null, "", "hello refused: " + description(refusal), code(refusal))
                    .isEmpty()) {
                watch.changed();
            }
        });
    }

    /** After a step's transaction committed: the watchers of this process read again. */
    public void committed() {
        watch.changed();
    }

    /** The progress of one push or pull of a session, throttled (ProgressThrottle), with its cancellation check. */
    public Tracker track(String sessionId) {
        return new Tracker(sessionId);
    }

    /** One stream's progress. */
    public final class Tracker {
        private final String sessionId;
        private final ProgressThrottle throttle = new ProgressThrottle();

        Tracker(String sessionId) {
            this.sessionId = sessionId;
        }

        /**
         * The push applied a batch ({@code received} changes so far). At most every 250 ms the job
         * is written; when an operator asked to cancel it, this is the safe point: the job ends
         * CANCELLED and the push is refused with ABORTED (its transaction rolls back whole, so
         * nothing of it is half-applied; the clone sends it again at its next sync).
         */
        public void pushed(long received) {
            if (!throttle.pass(SyncJobRules.PUSH, System.nanoTime())) {
                return;
            }
            SyncJob job;
            try {
                job = repository.pushProgress(sessionId, received);
            } catch (RuntimeException e) {
                LOG.debugf("progress of session %s not written: %s", sessionId, e.getMessage());
                return;
            }
            watch.changed();
            if (job != null && job.cancelRequested()) {
                throw stop(job, "during the push", 0);
            }
        }

        /** The pull read {@code events} log events so far. */
        public void pulled(long events) {
            if (throttle.pass(SyncJobRules.PULL, System.nanoTime())) {
                quietly("pull progress", () -> {
                    repository.pullProgress(sessionId, events);
                    watch.changed();
                });
            }
        }
    }

    /**
     * Before a pull opens (its safe point): an operator's cancellation ends the job CANCELLED with
     * what the push already committed, and the pull is refused with ABORTED (the clone's cursor
     * does not move: what central holds for it goes at the next sync).
     */
    public void beforePull(String sessionId) {
        SyncJob job = repository.ofSession(sessionId);
        if (job != null && job.cancelRequested()) {
            throw stop(job, "before the pull", job.toCentral());
        }
    }

    private ExchangeException stop(SyncJob job, String where, long toCentral) {
        String message = SyncJobRules.cancelled(job.cancelledBy(), toCentral, where);
        SyncJobRepository.finish(repository.pool(), job.jobId(), null, JobState.CANCELLED, "cancelled", toCentral, 0L,
                null, "", message, "");
        watch.changed();
        LOG.infof("sync job sync-%s of clone %s stopped %s", job.jobId(), job.cloneId(), message);
        return new ExchangeException(Reason.ABORTED, message);
    }

    /** The pull starts: {@code total} log events in its snapshot. */
    public void pullStarts(String sessionId, long total) {
        quietly("pull start", () -> {
            repository.pullStarts(sessionId, total);
            watch.changed();
        });
    }

    /** The whole pull was sent. */
    public void pullSent(String sessionId) {
        quietly("pull end", () -> {
            repository.pullSent(sessionId);
            watch.changed();
        });
    }

    /**
     * The push commits in {@code c}'s transaction: without a pull to follow, the session (and its
     * job) ends here; else the job records what went to central and moves to the pull.
     */
    public void pushCommits(SqlConnection c, String sessionId, long received, long applied, long conflicts,
            boolean pullNeeded) {
        if (pullNeeded) {
            SyncJobRepository.pushed(c, sessionId, received, applied, conflicts);
        } else {
            SyncJobRepository.finish(c, null, sessionId, JobState.SUCCEEDED, "done", applied, 0L, conflicts, "",
                    SyncJobRules.succeeded(applied, 0, conflicts), "");
        }
    }

    /** The acknowledgement commits in {@code c}'s transaction: the session's job succeeded. */
    public void acknowledged(SqlConnection c, String sessionId, long applied) {
        SyncJob job = SyncJobRepository.lockOfSession(c, sessionId);
        if (job != null) {
            SyncJobRepository.finish(c, job.jobId(), null, JobState.SUCCEEDED, "done", null, applied, null, "",
                    SyncJobRules.succeeded(job.toCentral(), applied, job.conflicts()), "");
        }
    }

    /**
     * A step of the session failed (or the clone broke it off): the job fails with the error's
     * status and message. A job already ended (a cancellation that stopped it) stays as it is.
     */
    public void failed(String sessionId, Throwable failure, String what) {
        if (sessionId == null || sessionId.isBlank()) {
            return;
        }
        quietly("failure", () -> {
            String code = failure == null ? "ABORTED" : code(failure);
            String message = failure == null ? "the clone broke off the " + what + ": nothing half-applied; it goes"
                    + " again at the next sync" : what + ": " + description(failure);
            if (!SyncJobRepository.finish(repository.pool(), null, sessionId, JobState.FAILED, null, null, null, null,
                    "", message, code).isEmpty()) {
                watch.changed();
            }
        });
    }

    private static String description(Throwable failure) {
        String d = GrpcErrors.toStatus(failure).getStatus().getDescription();
        return d == null ? String.valueOf(failure.getMessage()) : d;
    }

    private static String code(Throwable failure) {
        return GrpcErrors.toStatus(failure).getStatus().getCode().name();
    }

    private static void quietly(String what, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.debugf("sync job not updated (%s): %s", what, e.getMessage());
        }
    }
}
