package io.lizsync.sync.central.syncjobs.service;

import io.lizsync.grpckit.jobs.JobId;
import io.lizsync.grpckit.jobs.JobPages;
import io.lizsync.grpckit.jobs.JobState;
import io.lizsync.sync.central.exchange.service.ExchangeException;
import io.lizsync.sync.central.exchange.service.ExchangeException.Reason;
import io.lizsync.sync.central.syncjobs.repository.SyncJobRepository;
import io.lizsync.sync.central.syncjobs.repository.SyncJobRepository.SyncJob;
import io.lizsync.sync.db.Db;
import io.lizsync.sync.jobs.JobListing;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The operator's side of sync-session jobs (ADR 0019): request a sync of a clone (a queued job
 * its next session adopts: the sidecar is behind NAT and cannot be called), read, list, cancel.
 * The exchange's side is {@link SessionJobs}; the decisions are {@link SyncJobRules}'.
 */
@ApplicationScoped
public class SyncJobService {

    private static final Logger LOG = Logger.getLogger(SyncJobService.class);

    private final Pool pool;
    private final SyncJobRepository repository;
    private final SyncJobWatch watch;

    SyncJobService(Pool pool, SyncJobRepository repository, SyncJobWatch watch) {
        this.pool = pool;
        this.repository = repository;
        this.watch = watch;
    }

    /**
     * Requests a sync of {@code cloneId}: the QUEUED job, which the clone's next session runs as.
     * A request while one is queued answers that one (the clone syncs once for both). NOT_FOUND
     * for a clone central's read model does not know (or central itself).
     */
    public SyncJob request(String cloneId, String by) throws Exception {
        String clone = uuid(cloneId, "clone_id");
        UUID jobId = UUID.randomUUID();
        UUID answered = Db.inTransaction(pool, c -> {
            var known = Db.query(c, """
                    SELECT clone_name FROM lizsync.clone_state
                    WHERE clone_id = $1::uuid
                      AND clone_id IS DISTINCT FROM (SELECT m.server_id FROM lizsync.server_metadata m LIMIT 1)""",
                    clone);
            if (known.size() == 0) {
                throw new ExchangeException(Reason.NOT_FOUND, "unknown clone " + clone);
            }
            if (SyncJobRepository.insertQueued(c, jobId, clone, by == null ? "unknown" : by, SyncJobRules.WAITING)) {
                return jobId;
            }
            SyncJob queued = SyncJobRepository.lockOpen(c, clone, JobState.QUEUED);
            if (queued == null) {
                throw new ExchangeException(Reason.ABORTED, "the clone's queued sync changed meanwhile: ask again");
            }
            return queued.jobId();
        });
        watch.changed();
        if (answered.equals(jobId)) {
            LOG.infof("sync of clone %s requested by %s as job %s", clone, by, Jobs.id(jobId));
        }
        return repository.find(answered);
    }

    /** One job; NOT_FOUND when unknown. */
    public SyncJob get(String jobId) {
        SyncJob j = repository.find(Jobs.uuid(jobId));
        if (j == null) {
            throw new ExchangeException(Reason.NOT_FOUND, "unknown job " + jobId);
        }
        return j;
    }

    /** Jobs newest first; {@code kind} empty or "clone-sync"; {@code subject} empty or "clone:&lt;uuid&gt;". */
    public JobPages.Page<SyncJob> list(String kind, String subject, int pageSize, String pageToken) {
        var q = JobListing.query(Jobs.KIND, Jobs.PREFIX, kind, subject, pageSize, pageToken);
        if (q.none()) {
            return new JobPages.Page<>(java.util.List.of(), "");
        }
        return JobListing.page(repository.list(q.cloneId(), q.afterCreated(), q.afterId(), q.limit()), q,
                j -> new JobPages.Key(j.createdAt().toInstant(), Jobs.id(j.jobId())));
    }

    /**
     * CancelJob: a queued job is cancelled at once (no session adopts it); a running one is marked,
     * and central stops its session at the next safe point (the next push batch, or before the
     * pull); a finished one is refused.
     */
    public SyncJob cancel(String jobId, String by) throws Exception {
        UUID id = Jobs.uuid(jobId);
        String who = by == null ? "unknown" : by;
        Db.inTransaction(pool, c -> {
            SyncJob j = SyncJobRepository.lock(c, id);
            if (j == null) {
                throw new ExchangeException(Reason.NOT_FOUND, "unknown job " + jobId);
            }
            switch (SyncJobRules.cancel(j.state(), j.cancelRequested())) {
                case NOW -> SyncJobRepository.finish(c, id, null, JobState.CANCELLED, "cancelled", null, null, null, "",
                        "cancelled by " + who + " before the clone's next contact: no session runs it", "");
                case ASK -> SyncJobRepository.askCancel(c, id, who);
                case ALREADY_ASKED -> {
                }
                case REFUSE -> throw new ExchangeException(Reason.PRECONDITION, "job " + jobId + " is finished ("
                        + j.state().label() + "): nothing to cancel");
            }
            return null;
        });
        watch.changed();
        LOG.infof("cancellation of job %s asked by %s", jobId, who);
        return repository.find(id);
    }

    static String uuid(String s, String what) {
        try {
            return UUID.fromString(s).toString();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(what + ": not a uuid");
        }
    }

    /** The job contract's names for a sync session. */
    public static final class Jobs {
        public static final String KIND = "clone-sync";
        /** Job ids "sync-&lt;uuid&gt;" (grpc-kit {@link JobId}), which the gateway routes to central's sync-service. */
        public static final String PREFIX = "sync";

        /** The job id of a sync job. */
        public static String id(UUID job) {
            return new JobId(PREFIX, job).toString();
        }

        /** The uuid of a job id; IllegalArgumentException (INVALID_ARGUMENT) for anything but one of ours. */
        public static UUID uuid(String jobId) {
            return JobId.parse(PREFIX, jobId).uuid();
        }

        private Jobs() {
        }
    }
}
