package io.lizsync.sync.central.syncjobs.service;

import io.lizsync.grpckit.jobs.JobRetention;
import io.lizsync.sync.central.syncjobs.repository.SyncJobRepository;
import io.lizsync.sync.config.NodeRoles;
import io.lizsync.sync.config.SyncConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Keeps central's sync jobs honest and bounded: a running job whose session went silent for
 * longer than {@code lizsync.sync.sync-jobs.silence} (the clone broke off and did not come back)
 * fails with DEADLINE_EXCEEDED; finished jobs are forgotten by grpc-kit's {@link JobRetention}
 * rule (older than the retention, or beyond the newest N).
 */
@ApplicationScoped
public class SyncJobWatchdog {

    private static final Logger LOG = Logger.getLogger(SyncJobWatchdog.class);

    private final SyncJobRepository repository;
    private final NodeRoles roles;
    private final SyncConfig config;
    private final SyncJobWatch watch;

    SyncJobWatchdog(SyncJobRepository repository, NodeRoles roles, SyncConfig config, SyncJobWatch watch) {
        this.repository = repository;
        this.roles = roles;
        this.config = config;
        this.watch = watch;
    }

    @Scheduled(every = "${lizsync.sync.sync-jobs.sweep-interval:30s}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        if (!roles.isCentral() || !config.serve().contains(SyncConfig.Surface.admin)) {
            return;
        }
        try {
            var silence = config.syncJobs().silence();
            var failed = repository.failSilent(silence, "the session said nothing for " + silence.toSeconds()
                    + " s: the clone broke off; nothing half-applied (a push commits whole, a pull only with its"
                    + " acknowledgement), the rest goes at its next sync");
            if (!failed.isEmpty()) {
                watch.changed();
                failed.forEach(id -> LOG.warnf("sync job sync-%s failed: its session went silent for %s", id, silence));
            }
            var retention = new JobRetention(config.syncJobs().retention(), config.syncJobs().maxFinished());
            long forgotten = repository.forget(retention.keep(), retention.max());
            if (forgotten > 0) {
                LOG.debugf("%d finished sync job(s) forgotten", forgotten);
            }
        } catch (RuntimeException e) {
            LOG.debugf("sync jobs not swept: %s", e.getMessage());
        }
    }
}
