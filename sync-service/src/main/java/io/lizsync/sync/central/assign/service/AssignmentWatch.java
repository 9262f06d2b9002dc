package io.lizsync.sync.central.assign.service;

import io.lizsync.sync.central.assign.repository.AssignmentRepository.Assignment;
import io.lizsync.sync.jobs.JobWatch;
import jakarta.enterprise.context.ApplicationScoped;

/** The watchers of assignments in this process, woken by {@link AssignmentService} after every change it commits. */
@ApplicationScoped
public class AssignmentWatch {

    private final JobWatch<Assignment> watch = new JobWatch<>(Assignment::revision, a -> a.state().isTerminal());

    public JobWatch<Assignment> watch() {
        return watch;
    }
}
