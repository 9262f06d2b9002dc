package io.lizsync.sync.central.syncjobs.service;

import io.lizsync.sync.central.syncjobs.repository.SyncJobRepository.SyncJob;
import io.lizsync.sync.jobs.JobWatch;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The watchers of sync-session jobs in this process, woken after every change this process
 * commits (a change made by another central process is seen at JobWatch's next poll).
 */
@ApplicationScoped
public class SyncJobWatch {

    private final JobWatch<SyncJob> watch = new JobWatch<>(SyncJob::revision, j -> j.state().isTerminal());

    public JobWatch<SyncJob> watch() {
        return watch;
    }

    /** A sync job changed in this process (after its transaction committed). */
    public void changed() {
        watch.changed();
    }
}
