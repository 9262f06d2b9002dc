package io.lizsync.sync.central.assign.grpc;

import io.lizsync.proto.jobs.v1.Job;
import io.lizsync.sync.central.assign.repository.AssignmentRepository.Assignment;
import io.lizsync.sync.central.assign.service.AssignmentService;
import io.lizsync.sync.wire.Wire;

/** An assignment as the jobs contract shows it (lizsync.jobs.v1.Job). */
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
