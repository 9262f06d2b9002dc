package io.lizsync.sync.central.assign.service;

import io.lizsync.sync.central.assign.repository.AssignmentRepository;
import io.lizsync.sync.config.NodeRoles;
import io.lizsync.sync.config.SyncConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Fails the running assignments whose clone went silent for longer than
 * {@code lizsync.sync.assignment.silence} (30 min by default): a sidecar that died mid-deploy and
 * never comes back does not leave its job RUNNING forever. A sidecar that comes back reports what
 * it can establish; the job stays as central ended it (a final state is final).
 */
@ApplicationScoped
public class AssignmentWatchdog {

    private static final Logger LOG = Logger.getLogger(AssignmentWatchdog.class);

    private final AssignmentRepository repository;
    private final NodeRoles roles;
    private final SyncConfig config;

    private final AssignmentWatch watch;

    AssignmentWatchdog(AssignmentRepository repository, NodeRoles roles, SyncConfig config, AssignmentWatch watch) {
        this.watch = watch;
        this.repository = repository;
        this.roles = roles;
        this.config = config;
    }

    @Scheduled(every = "${lizsync.sync.assignment.sweep-interval:30s}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        if (!roles.isCentral() || !config.serve().contains(SyncConfig.Surface.admin)) {
            return;
        }
        try {
            var failed = repository.failSilent(config.assignment().silence());
            if (!failed.isEmpty()) {
                watch.watch().changed();
            }
            for (var id : failed) {
                LOG.warnf("assignment deploy-%s failed: its clone reported nothing for %s", id,
                        config.assignment().silence());
            }
        } catch (RuntimeException e) {
            LOG.debugf("assignments not swept: %s", e.getMessage());
        }
    }
}
