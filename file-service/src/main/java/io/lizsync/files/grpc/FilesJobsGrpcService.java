package io.lizsync.files.grpc;

import io.grpc.stub.StreamObserver;
import io.lizsync.files.service.FileJobs;
import io.lizsync.grpckit.jobs.JobCalls;
import io.lizsync.proto.jobs.v1.CancelJobRequest;
import io.lizsync.proto.jobs.v1.GetJobRequest;
import io.lizsync.proto.jobs.v1.Job;
import io.lizsync.proto.jobs.v1.JobsGrpc;
import io.lizsync.proto.jobs.v1.ListJobsRequest;
import io.lizsync.proto.jobs.v1.ListJobsResponse;
import io.lizsync.proto.jobs.v1.WatchJobRequest;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;

/**
 * gRPC transport of {@code lizsync.jobs.v1.Jobs} in file-service: its file jobs
 * ({@code files-<uuid>}), delegated to grpc-kit's {@link JobCalls} over {@link FileJobs}' registry.
 */
@GrpcService
@Blocking
public class FilesJobsGrpcService extends JobsGrpc.JobsImplBase {

    private final JobCalls<Job> calls;

    FilesJobsGrpcService(FileJobs jobs) {
        this.calls = new JobCalls<>(jobs.registry(), GrpcErrors::toStatus);
    }

    @Override
    public void getJob(GetJobRequest request, StreamObserver<Job> response) {
        calls.get(request.getJobId(), response);
    }

    @Override
    public void listJobs(ListJobsRequest request, StreamObserver<ListJobsResponse> response) {
        calls.list(request.getKind(), request.getSubject(), request.getPageSize(), request.getPageToken(),
                (jobs, next) -> ListJobsResponse.newBuilder().addAllJobs(jobs).setNextPageToken(next).build(), response);
    }

    @Override
    public void watchJob(WatchJobRequest request, StreamObserver<Job> response) {
        calls.watch(request.getJobId(), response);
    }

    @Override
    public void cancelJob(CancelJobRequest request, StreamObserver<Job> response) {
        calls.cancel(request.getJobId(), response);
    }
}
