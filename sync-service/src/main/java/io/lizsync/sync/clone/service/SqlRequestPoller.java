package io.lizsync.sync.clone.service;

import io.lizsync.sync.clone.repository.CloneStore;

import io.lizsync.sync.config.NodeRoles;
import io.quarkus.scheduler.Scheduled;
import org.jboss.logging.Logger;

/**
 * Answers {@code SELECT * FROM lizsync.synchronize()} run in the clone database, and runs the
 * optional scheduled sync. Both only in the clone role.
 */
@jakarta.enterprise.context.ApplicationScoped
public class SqlRequestPoller {

    private static final Logger LOG = Logger.getLogger(SqlRequestPoller.class);

    private final SyncRunner runner;
    private final CloneStore store;
    SqlRequestPoller(SyncRunner runner, CloneStore store) {
        this.runner = runner;
        this.store = store;
    }

    @Scheduled(every = "${lizsync.sync.sql-request-poll}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = NotClone.class)
    void answerSqlRequests() {
        java.util.List<String> waiting;
        try {
            waiting = store.waitingSqlRequests();
        } catch (RuntimeException e) {
            // Not attached yet, or the database is away: nothing can be asked of us then.
            LOG.debugf("no SQL sync requests read: %s", e.getMessage());
            return;
        }
        for (String request : waiting) {
            try {
                var o = runner.synchronize();
                store.answerSqlRequest(request, 1, o.toCentral(), o.toClone(), o.conflicts(), "done");
            } catch (Exception e) {
                LOG.warnf("sync requested from SQL (%s) failed: %s", request, e.getMessage());
                try {
                    store.answerSqlRequest(request, 0, 0, 0, 0, String.valueOf(e.getMessage()));
                } catch (Exception again) {
                    LOG.warnf("could not answer SQL request %s: %s", request, again.getMessage());
                }
            }
        }
    }

    @Scheduled(every = "${lizsync.sync.schedule}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = NotClone.class)
    void scheduledSync() {
        try {
            runner.synchronize();
        } catch (Exception e) {
            LOG.warnf("scheduled sync failed (next attempt on schedule): %s", e.getMessage());
        }
    }

    /** Skips the jobs outside the clone role. */
    @jakarta.inject.Singleton
    public static class NotClone implements Scheduled.SkipPredicate {
        private final NodeRoles roles;

        NotClone(NodeRoles roles) {
            this.roles = roles;
        }

        @Override
        public boolean test(io.quarkus.scheduler.ScheduledExecution execution) {
            return !roles.isClone();
        }
    }
}
