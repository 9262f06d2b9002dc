package io.lizsync.packaging.grpc;

import io.lizsync.grpckit.FlowControlledSender;

import io.grpc.stub.StreamObserver;
import io.lizsync.packaging.service.BuildJobs;
import io.lizsync.packaging.service.PackageService;
import io.lizsync.proto.packaging.v1.BuildPackageEvent;
import io.lizsync.proto.packaging.v1.BuildPackageRequest;
import io.lizsync.proto.packaging.v1.DeletePackageRequest;
import io.lizsync.proto.packaging.v1.DeletePackageResponse;
import io.lizsync.proto.packaging.v1.Deployment;
import io.lizsync.proto.packaging.v1.DownloadPackageRequest;
import io.lizsync.proto.packaging.v1.GetPackageRequest;
import io.lizsync.proto.packaging.v1.ListDeploymentsRequest;
import io.lizsync.proto.packaging.v1.ListDeploymentsResponse;
import io.lizsync.proto.packaging.v1.ListPackagesRequest;
import io.lizsync.proto.packaging.v1.ListPackagesResponse;
import io.lizsync.proto.packaging.v1.PackageChunk;
import io.lizsync.proto.packaging.v1.PackageInfo;
import io.lizsync.proto.packaging.v1.PackagingServiceGrpc;
import io.lizsync.proto.packaging.v1.RecordDeploymentRequest;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;

/**
 * gRPC transport of packaging-service: translates and delegates, nothing more.
 *
 * <p>Written against the grpc-java base class rather than the Mutiny interface because
 * DownloadPackage must follow the client's flow control (see {@link FlowControlledSender}); the
 * unary methods are plain request/response. {@code @Blocking}: every method touches the disk.
 */
@GrpcService
@Blocking
public class PackagingGrpcService extends PackagingServiceGrpc.PackagingServiceImplBase {

    private final PackageService service;
    private final BuildJobs jobs;

    PackagingGrpcService(PackageService service, BuildJobs jobs) {
        this.service = service;
        this.jobs = jobs;
    }

    /**
     * The build as a stream: the same job as StartBuild's (one build path), its progress sent as
     * it comes (the same step and message at most every 250 ms), then the package. A client that
     * goes away cancels the job.
     */
    @Override
    public void buildPackage(BuildPackageRequest request, StreamObserver<BuildPackageEvent> response) {
        var stream = (io.grpc.stub.ServerCallStreamObserver<BuildPackageEvent>) response;
        var throttle = new io.lizsync.grpckit.jobs.ProgressThrottle();
        var jobId = new java.util.concurrent.atomic.AtomicReference<String>();
        stream.setOnCancelHandler(() -> {
            String id = jobId.get();
            if (id != null) {
                try {
                    jobs.cancel(id);
                } catch (RuntimeException over) {
                    // finished meanwhile: nothing to stop
                }
            }
        });
        BuildJobs.Started started;
        try {
            started = jobs.start(request, Calls.login(), (step, percent, message, table, rows) -> {
                if (!throttle.pass(step + " " + message, System.nanoTime())) {
                    return;
                }
                var p = io.lizsync.proto.packaging.v1.BuildProgress.newBuilder().setStep(step(step))
                        .setPercent(percent).setMessage(message).setRowsDone(rows);
                if (table != null) {
                    p.setTable(io.lizsync.proto.packaging.v1.TableRef.newBuilder().setSchemaName(table.schema())
                            .setTableName(table.table()));
                }
                synchronized (stream) {
                    if (!stream.isCancelled()) {
                        stream.onNext(BuildPackageEvent.newBuilder().setProgress(p).build());
                    }
                }
            });
            jobId.set(started.job().getId());
            if (stream.isCancelled()) {
                jobs.cancel(started.job().getId());
            }
        } catch (Exception e) {
            response.onError(GrpcErrors.toStatus(e));
            return;
        }
        PackageInfo info;
        try {
            info = started.done().get();
        } catch (java.util.concurrent.ExecutionException e) {
            response.onError(GrpcErrors.toStatus(e.getCause()));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response.onError(io.grpc.Status.UNAVAILABLE.withDescription("packaging-service is stopping").asRuntimeException());
            return;
        }
        synchronized (stream) {
            response.onNext(BuildPackageEvent.newBuilder().setPackage(info).build());
            response.onCompleted();
        }
    }

    /** Starts a build as a job and answers at once with the queued job ({@code lizsync.jobs.v1.Jobs} follows it). */
    @Override
    public void startBuild(BuildPackageRequest request, StreamObserver<io.lizsync.proto.jobs.v1.Job> response) {
        Calls.unary(response, () -> jobs.start(request, Calls.login(), io.lizsync.sql.pkg.Progress.NONE).job());
    }

    private static io.lizsync.proto.packaging.v1.BuildStep step(String step) {
        return switch (step) {
            case "check" -> io.lizsync.proto.packaging.v1.BuildStep.BUILD_STEP_CHECK;
            case "snapshot" -> io.lizsync.proto.packaging.v1.BuildStep.BUILD_STEP_SNAPSHOT;
            case "structure" -> io.lizsync.proto.packaging.v1.BuildStep.BUILD_STEP_DUMP_STRUCTURE;
            case "data" -> io.lizsync.proto.packaging.v1.BuildStep.BUILD_STEP_DUMP_DATA;
            default -> io.lizsync.proto.packaging.v1.BuildStep.BUILD_STEP_WRITE_ARCHIVE;
        };
    }

    @Override
    public void listPackages(ListPackagesRequest request, StreamObserver<ListPackagesResponse> response) {
        Calls.unary(response, () -> {
            var page = service.list(request.getPageSize(), request.getPageToken());
            return ListPackagesResponse.newBuilder()
                    .addAllPackages(page.packages())
                    .setNextPageToken(page.nextPageToken())
                    .build();
        });
    }

    @Override
    public void getPackage(GetPackageRequest request, StreamObserver<PackageInfo> response) {
        Calls.unary(response, () -> service.get(request.getPackageId()));
    }

    @Override
    public void downloadPackage(DownloadPackageRequest request, StreamObserver<PackageChunk> response) {
        try {
            var download = service.prepareDownload(request.getPackageId(), request.getOffset(), request.getChunkSize());
            FlowControlledSender.start(response, new ArchiveChunks(download),
                    download.chunkSize() + io.lizsync.grpckit.MessageLimits.CHUNK_OVERHEAD, GrpcErrors::toStatus);
        } catch (Exception e) {
            response.onError(GrpcErrors.toStatus(e));
        }
    }

    @Override
    public void deletePackage(DeletePackageRequest request, StreamObserver<DeletePackageResponse> response) {
        Calls.unary(response, () -> {
            long freed = service.delete(request.getPackageId());
            return DeletePackageResponse.newBuilder()
                    .setPackageId(PackageService.parseId(request.getPackageId()).toString())
                    .setFreedBytes(freed)
                    .build();
        });
    }

    @Override
    public void recordDeployment(RecordDeploymentRequest request, StreamObserver<Deployment> response) {
        Calls.unary(response, () -> service.recordDeployment(request.getPackageId(), request.getCloneServerId(),
                request.getCloneName(), request.hasDeployedAt() ? java.time.Instant.ofEpochSecond(
                        request.getDeployedAt().getSeconds(), request.getDeployedAt().getNanos()) : null));
    }

    @Override
    public void listDeployments(ListDeploymentsRequest request, StreamObserver<ListDeploymentsResponse> response) {
        Calls.unary(response, () -> {
            var page = service.listDeployments(request.getPackageId(), request.getCloneServerId(), request.getPageSize(),
                    request.getPageToken());
            return ListDeploymentsResponse.newBuilder().addAllDeployments(page.deployments())
                    .setNextPageToken(page.nextPageToken()).build();
        });
    }
}
