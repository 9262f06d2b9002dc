package io.lizsync.sync.central.assign.grpc;

import io.lizsync.grpckit.auth.Caller;
import io.lizsync.grpckit.jobs.JobId;
import io.lizsync.proto.jobs.v1.CancelJobRequest;
import io.lizsync.proto.jobs.v1.GetJobRequest;
import io.lizsync.proto.jobs.v1.Job;
import io.lizsync.proto.jobs.v1.Jobs;
import io.lizsync.proto.jobs.v1.ListJobsRequest;
import io.lizsync.proto.jobs.v1.ListJobsResponse;
import io.lizsync.proto.jobs.v1.WatchJobRequest;
import io.lizsync.sync.central.assign.repository.AssignmentRepository.Assignment;
import io.lizsync.sync.central.assign.service.AssignmentService;
import io.lizsync.sync.central.syncjobs.repository.SyncJobRepository.SyncJob;
import io.lizsync.sync.central.syncjobs.service.SyncJobService;
import io.lizsync.sync.central.syncjobs.service.SyncJobWatch;
import io.lizsync.sync.config.NodeRoles;
import io.lizsync.sync.config.SyncConfig;
import io.lizsync.sync.grpc.Calls;
import io.lizsync.sync.grpc.GrpcErrors;
import io.lizsync.sync.jobs.JobWatch;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The jobs contract (lizsync.jobs.v1.Jobs) for central's jobs: the deploys assigned through
 * central ({@code deploy-<uuid>}, {@link AssignmentService}) and the sync sessions of clones
 * ({@code sync-<uuid>}, {@link SyncJobService}). Routes each call by the id's prefix, ListJobs by
 * its kind (required here: two kinds live in two tables), translates and delegates; an id or a
 * kind of neither is INVALID_ARGUMENT.
 */
@GrpcService
public class JobsGrpcService implements Jobs {

    private final AssignmentService deploys;
    private final SyncJobService syncs;
    private final Calls calls;
    private final JobWatch<Assignment> deployWatch;
    private final JobWatch<SyncJob> syncWatch;

    JobsGrpcService(AssignmentService deploys, io.lizsync.sync.central.assign.service.AssignmentWatch deployWatch,
            SyncJobService syncs, SyncJobWatch syncWatch, NodeRoles roles) {
        this.deploys = deploys;
        this.syncs = syncs;
        this.calls = Calls.of(roles, SyncConfig.Role.central, "jobs of central (deploys, sync sessions)");
        this.deployWatch = deployWatch.watch();
        this.syncWatch = syncWatch.watch();
    }

    /** True for a sync-session job id; false for anything else (the deploys' parser then judges it). */
    private static boolean isSync(String jobId) {
        try {
            return JobId.prefixOf(jobId).equals(SyncJobService.Jobs.PREFIX);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public Uni<Job> getJob(GetJobRequest r) {
        String id = r.getJobId();
        return calls.run(() -> isSync(id) ? JobMapping.job(syncs.get(id)) : JobMapping.job(deploys.get(id)));
    }

    @Override
    public Uni<ListJobsResponse> listJobs(ListJobsRequest r) {
        return calls.run(() -> {
            var out = ListJobsResponse.newBuilder();
            if (r.getKind().equals(SyncJobService.Jobs.KIND)) {
                var page = syncs.list(r.getKind(), r.getSubject(), r.getPageSize(), r.getPageToken());
                page.items().forEach(j -> out.addJobs(JobMapping.job(j)));
                return out.setNextPageToken(page.nextPageToken()).build();
            }
            if (!r.getKind().equals(io.lizsync.sync.central.assign.service.AssignmentService.Jobs.KIND)) {
                throw new IllegalArgumentException("kind: central keeps jobs of two kinds, name one: "
                        + io.lizsync.sync.central.assign.service.AssignmentService.Jobs.KIND + " or " + SyncJobService.Jobs.KIND);
            }
            var page = deploys.list(r.getKind(), r.getSubject(), r.getPageSize(), r.getPageToken());
            page.jobs().forEach(a -> out.addJobs(JobMapping.job(a)));
            return out.setNextPageToken(page.nextToken()).build();
        });
    }

    @Override
    public Multi<Job> watchJob(WatchJobRequest r) {
        String id = r.getJobId();
        if (isSync(id)) {
            return calls.run(() -> syncs.get(id))
                    .onItem().transformToMulti(first -> syncWatch.follow(first, () -> syncs.get(id)))
                    .map(JobMapping::job)
                    .onFailure().transform(GrpcErrors::toStatus);
        }
        return calls.run(() -> deploys.get(id))
                .onItem().transformToMulti(first -> deployWatch.follow(first, () -> deploys.get(id)))
                .map(JobMapping::job)
                .onFailure().transform(GrpcErrors::toStatus);
    }

    @Override
    public Uni<Job> cancelJob(CancelJobRequest r) {
        Caller caller = Caller.current();
        String by = caller == null ? "unknown" : caller.login();
        String id = r.getJobId();
        return calls.run(() -> isSync(id) ? JobMapping.job(syncs.cancel(id, by)) : JobMapping.job(deploys.cancel(id, by)));
    }
}
