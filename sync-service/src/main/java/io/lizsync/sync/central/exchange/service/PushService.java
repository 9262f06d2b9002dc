package io.lizsync.sync.central.exchange.service;

import io.lizsync.sync.config.SyncConfig;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

/** Pushes of clones: each is applied by its own {@link PushApplier}, batch by batch. */
@ApplicationScoped
public class PushService {

    private final Pool pool;
    private final SyncConfig config;
    private final io.lizsync.sync.central.syncjobs.service.SessionJobs jobs;

    PushService(Pool pool, SyncConfig config, io.lizsync.sync.central.syncjobs.service.SessionJobs jobs) {
        this.pool = pool;
        this.config = config;
        this.jobs = jobs;
    }

    /** A new push of an authenticated clone. */
    public PushApplier open(String cloneId) {
        return new PushApplier(pool, cloneId, config.testPushPause().orElse(null), jobs);
    }
}
