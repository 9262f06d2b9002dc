package io.lizsync.sync.central.assign.grpc;

import io.lizsync.proto.jobs.v1.Job;
import io.lizsync.sync.central.assign.repository.AssignmentRepository.Assignment;
import io.lizsync.sync.central.assign.service.AssignmentService;
import io.lizsync.sync.central.syncjobs.repository.SyncJobRepository.SyncJob;
import io.lizsync.sync.central.syncjobs.service.SyncJobRules;
import io.lizsync.sync.central.syncjobs.service.SyncJobService;
import io.lizsync.sync.jobs.JobListing;
import io.lizsync.sync.wire.Wire;

/**
 * Central's jobs as the jobs contract shows them (lizsync.jobs.v1.Job): an assignment (a deploy,
 * ADR 0015) and a sync session (ADR 0019).
 */
public final class JobMapping {

    private JobMapping() {
    }

    public static Job job(Assignment a) {
        var b = Job.newBuilder().setId(AssignmentService.Jobs.id(a.jobId())).setKind(AssignmentService.Jobs.KIND)
                .setState(state(a.state())).setStep(a.step()).setDone(a.done()).setTotal(a.total()).setUnit(a.unit())
                .setPercent(a.percent()).setSubject(AssignmentService.Jobs.SUBJECT_PREFIX + a.cloneId())
                .setResult(a.result()).setMessage(a.message()).setErrorCode(a.errorCode()).setCreatedBy(a.createdBy())
                .setCreatedAt(Wire.timestamp(a.createdAt().toInstant())).setCancelRequested(a.cancelRequested());
        if (a.message().isEmpty() && a.state() == io.lizsync.grpckit.jobs.JobState.QUEUED) {
            b.setMessage("deploy package " + a.packageId() + (a.force() ? " (forced)" : "")
                    + " at the clone's next contact");
        }
        if (a.startedAt() != null) {
            b.setStartedAt(Wire.timestamp(a.startedAt().toInstant()));
        }
        if (a.finishedAt() != null) {
            b.setFinishedAt(Wire.timestamp(a.finishedAt().toInstant()));
        }
        return b.build();
    }

    /** A sync-session job: progress in rows both ways (push and pull), the counts of its result. */
    public static Job job(SyncJob j) {
        var progress = new SyncJobRules.Progress(j.pushDone(), j.pushTotal(), j.pullDone(), j.pullTotal());
        var b = Job.newBuilder().setId(SyncJobService.Jobs.id(j.jobId())).setKind(SyncJobService.Jobs.KIND)
                .setState(state(j.state())).setStep(j.step()).setDone(progress.done()).setTotal(progress.total())
                .setUnit("rows").setPercent(progress.percent(j.state()))
                .setSubject(JobListing.CLONE_SUBJECT + j.cloneId()).setResult(j.result()).setMessage(j.message())
                .setErrorCode(j.errorCode()).setCreatedBy(j.createdBy())
                .setCreatedAt(Wire.timestamp(j.createdAt().toInstant())).setCancelRequested(j.cancelRequested());
        if (j.state() == io.lizsync.grpckit.jobs.JobState.SUCCEEDED && j.result().isEmpty()) {
            b.setResult("to_central:" + j.toCentral() + ",to_clone:" + j.toClone() + ",conflicts:" + j.conflicts());
        }
        if (j.message().isEmpty() && j.state() == io.lizsync.grpckit.jobs.JobState.QUEUED) {
            b.setMessage("sync requested: the clone's next session runs it");
        } else if (j.message().isEmpty() && j.state() == io.lizsync.grpckit.jobs.JobState.RUNNING) {
            b.setMessage(j.cancelRequested() ? "cancellation asked by " + j.cancelledBy()
                    + ": the session stops at its next safe point" : "session " + j.sessionId());
        }
        if (j.startedAt() != null) {
            b.setStartedAt(Wire.timestamp(j.startedAt().toInstant()));
        }
        if (j.finishedAt() != null) {
            b.setFinishedAt(Wire.timestamp(j.finishedAt().toInstant()));
        }
        return b.build();
    }

    public static io.lizsync.proto.jobs.v1.JobState state(io.lizsync.grpckit.jobs.JobState s) {
        return switch (s) {
            case QUEUED -> io.lizsync.proto.jobs.v1.JobState.JOB_STATE_QUEUED;
            case RUNNING -> io.lizsync.proto.jobs.v1.JobState.JOB_STATE_RUNNING;
            case SUCCEEDED -> io.lizsync.proto.jobs.v1.JobState.JOB_STATE_SUCCEEDED;
            case FAILED -> io.lizsync.proto.jobs.v1.JobState.JOB_STATE_FAILED;
            case CANCELLED -> io.lizsync.proto.jobs.v1.JobState.JOB_STATE_CANCELLED;
        };
    }
}
