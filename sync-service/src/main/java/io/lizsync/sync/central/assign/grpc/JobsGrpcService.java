package io.lizsync.sync.central.assign.grpc;

import io.lizsync.grpckit.auth.Caller;
import io.lizsync.proto.jobs.v1.CancelJobRequest;
import io.lizsync.proto.jobs.v1.GetJobRequest;
import io.lizsync.proto.jobs.v1.Job;
import io.lizsync.proto.jobs.v1.Jobs;
import io.lizsync.proto.jobs.v1.ListJobsRequest;
import io.lizsync.proto.jobs.v1.ListJobsResponse;
import io.lizsync.proto.jobs.v1.WatchJobRequest;
import io.lizsync.sync.central.assign.repository.AssignmentRepository.Assignment;
import io.lizsync.sync.central.assign.service.AssignmentService;
import io.lizsync.sync.config.NodeRoles;
import io.lizsync.sync.config.SyncConfig;
import io.lizsync.sync.grpc.Calls;
import io.lizsync.sync.grpc.GrpcErrors;
import io.lizsync.sync.jobs.JobWatch;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The jobs contract (lizsync.jobs.v1.Jobs) for the deploys assigned through central
 * ({@code deploy-<uuid>}): translates and delegates to {@link AssignmentService}.
 */
@GrpcService
public class JobsGrpcService implements Jobs {

    private final AssignmentService service;
    private final Calls calls;
    private final JobWatch<Assignment> watch;

    JobsGrpcService(AssignmentService service, io.lizsync.sync.central.assign.service.AssignmentWatch watch,
            NodeRoles roles) {
        this.service = service;
        this.calls = Calls.of(roles, SyncConfig.Role.central, "jobs of deploys assigned through central");
        this.watch = watch.watch();
    }

    @Override
    public Uni<Job> getJob(GetJobRequest r) {
        return calls.run(() -> JobMapping.job(service.get(r.getJobId())));
    }

    @Override
    public Uni<ListJobsResponse> listJobs(ListJobsRequest r) {
        return calls.run(() -> {
            var page = service.list(r.getKind(), r.getSubject(), r.getPageSize(), r.getPageToken());
            var out = ListJobsResponse.newBuilder().setNextPageToken(page.nextToken());
            page.jobs().forEach(a -> out.addJobs(JobMapping.job(a)));
            return out.build();
        });
    }

    @Override
    public Multi<Job> watchJob(WatchJobRequest r) {
        return calls.run(() -> service.get(r.getJobId()))
                .onItem().transformToMulti(first -> watch.follow(first, () -> service.get(r.getJobId())))
                .map(JobMapping::job)
                .onFailure().transform(GrpcErrors::toStatus);
    }

    @Override
    public Uni<Job> cancelJob(CancelJobRequest r) {
        Caller caller = Caller.current();
        String by = caller == null ? "unknown" : caller.login();
        return calls.run(() -> JobMapping.job(service.cancel(r.getJobId(), by)));
    }
}
