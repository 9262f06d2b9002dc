package io.lizsync.sync.central.registry;

import io.lizsync.sync.central.exchange.repository.CloneReadModel;
import io.lizsync.sync.config.NodeRoles;
import io.lizsync.sync.config.SyncConfig;
import io.lizsync.sync.db.Db;
import io.quarkus.scheduler.Scheduled;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Keeps the exchange's read model of the clones in step with registry-service (ADR 0013): every
 * {@code lizsync.sync.registry.feed-interval} it reads the clones changed at registry since its
 * last snapshot and applies them ({@link CloneReadModel#follow}); at start and every
 * {@code full-read-interval} it reads every clone again (a read model changed behind registry's
 * back is repaired). A hello never waits on registry; while registry cannot be reached the
 * exchange goes on with what it last read, and says so once in the log.
 */
@ApplicationScoped
public class CloneFeed {

    private static final Logger LOG = Logger.getLogger(CloneFeed.class);

    private final CloneRegistry registry;
    private final Pool pool;
    private final NodeRoles roles;
    private final SyncConfig config;
    private String snapshot = "";
    private Instant lastFullRead = Instant.MIN;
    private boolean failing;

    CloneFeed(CloneRegistry registry, Pool pool, NodeRoles roles, SyncConfig config) {
        this.registry = registry;
        this.pool = pool;
        this.roles = roles;
        this.config = config;
    }

    @Scheduled(every = "${lizsync.sync.registry.feed-interval:2s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        if (!roles.isCentral() || !config.serve().contains(SyncConfig.Surface.exchange)) {
            return;
        }
        try {
            follow();
            if (failing) {
                LOG.info("registry-service answers again: the clones' read model is in step");
                failing = false;
            }
        } catch (Exception e) {
            if (!failing) {
                LOG.warnf("cannot follow registry-service's clone changes (%s); the exchange goes on with what it"
                        + " last read and tries again every %s", e.getMessage(), config.registry().feedInterval());
                failing = true;
            }
        }
    }

    /** One round: the changes since the last snapshot (every clone when a full read is due), applied in one transaction. */
    public synchronized int follow() throws Exception {
        Duration full = config.registry().fullReadInterval();
        boolean fullRead = Instant.now().isAfter(lastFullRead.plus(full));
        // Read and applied under the feed's lock: a registration in flight (its redemption done at
        // registry, not yet committed here) is waited for, so registry's answer is never older
        // than the read model (CloneReadModel.lockForFeed).
        CloneRegistry.Changes changes = Db.inTransaction(pool, c -> {
            CloneReadModel.lockForFeed(c);
            CloneRegistry.Changes read = registry.changes(fullRead ? "" : snapshot);
            for (RegisteredClone clone : read.clones()) {
                CloneReadModel.follow(c, clone);
            }
            return read;
        });
        if (!changes.clones().isEmpty()) {
            LOG.debugf("followed %d clone change(s) from registry-service", changes.clones().size());
        }
        snapshot = changes.snapshot();
        if (fullRead) {
            lastFullRead = Instant.now();
        }
        return changes.clones().size();
    }
}
