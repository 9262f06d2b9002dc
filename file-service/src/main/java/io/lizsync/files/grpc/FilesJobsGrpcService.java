package io.lizsync.files.grpc;

import io.grpc.stub.StreamObserver;
import io.lizsync.files.service.FileJobs;
import io.lizsync.grpckit.jobs.JobFanOut;
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
 * ({@code files-<uuid>}), translated and delegated to {@link FileJobs}. WatchJob follows the
 * client's flow control (a slow client gets the latest state, {@link JobFanOut}).
 */
@GrpcService
@Blocking
public class FilesJobsGrpcService extends JobsGrpc.JobsImplBase {

    private final FileJobs jobs;

    FilesJobsGrpcService(FileJobs jobs) {
        this.jobs = jobs;
    }

    @Override
    public void getJob(GetJobRequest request, StreamObserver<Job> response) {
        FileGrpcService.unary(response, () -> jobs.get(request.getJobId()));
    }

    @Override
    public void listJobs(ListJobsRequest request, StreamObserver<ListJobsResponse> response) {
        FileGrpcService.unary(response, () -> {
            var page = jobs.list(request.getKind(), request.getSubject(), request.getPageSize(), request.getPageToken());
            return ListJobsResponse.newBuilder().addAllJobs(page.items()).setNextPageToken(page.nextPageToken()).build();
        });
    }

    @Override
    public void watchJob(WatchJobRequest request, StreamObserver<Job> response) {
        try {
            jobs.watch(request.getJobId(), JobFanOut.Sink.of(response));
        } catch (Exception e) {
            response.onError(GrpcErrors.toStatus(e));
        }
    }

    @Override
    public void cancelJob(CancelJobRequest request, StreamObserver<Job> response) {
        FileGrpcService.unary(response, () -> jobs.cancel(request.getJobId()));
    }
}
