package io.lizsync.packaging.grpc;

import io.lizsync.grpckit.FlowControlledSender;

import io.grpc.stub.StreamObserver;
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
import java.util.concurrent.Callable;

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

    PackagingGrpcService(PackageService service) {
        this.service = service;
    }

    @Override
    public void buildPackage(BuildPackageRequest request, StreamObserver<BuildPackageEvent> response) {
        var tables = request.getTablesList().stream()
                .map(t -> new io.lizsync.sql.pkg.TableName(t.getSchemaName(), t.getTableName())).toList();
        var build = new io.lizsync.sql.pkg.PackageBuilder.Request(request.getSchemasList(), tables,
                request.getAdditionalSql(), request.getDescription(), request.getRequestedBy());
        var stream = (io.grpc.stub.ServerCallStreamObserver<BuildPackageEvent>) response;
        PackageInfo info;
        try {
            info = service.build(build, (step, percent, message, table, rows) -> {
                if (stream.isCancelled()) {
                    throw new IllegalStateException("the client cancelled the build");
                }
                var p = io.lizsync.proto.packaging.v1.BuildProgress.newBuilder().setStep(step(step))
                        .setPercent(percent).setMessage(message).setRowsDone(rows);
                if (table != null) {
                    p.setTable(io.lizsync.proto.packaging.v1.TableRef.newBuilder().setSchemaName(table.schema())
                            .setTableName(table.table()));
                }
                synchronized (stream) {
                    stream.onNext(BuildPackageEvent.newBuilder().setProgress(p).build());
                }
            });
        } catch (Exception e) {
            response.onError(GrpcErrors.toStatus(e));
            return;
        }
        response.onNext(BuildPackageEvent.newBuilder().setPackage(info).build());
        response.onCompleted();
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
        unary(response, () -> {
            var page = service.list(request.getPageSize(), request.getPageToken());
            return ListPackagesResponse.newBuilder()
                    .addAllPackages(page.packages())
                    .setNextPageToken(page.nextPageToken())
                    .build();
        });
    }

    @Override
    public void getPackage(GetPackageRequest request, StreamObserver<PackageInfo> response) {
        unary(response, () -> service.get(request.getPackageId()));
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
        unary(response, () -> {
            long freed = service.delete(request.getPackageId());
            return DeletePackageResponse.newBuilder()
                    .setPackageId(PackageService.parseId(request.getPackageId()).toString())
                    .setFreedBytes(freed)
                    .build();
        });
    }

    @Override
    public void recordDeployment(RecordDeploymentRequest request, StreamObserver<Deployment> response) {
        unary(response, () -> service.recordDeployment(request.getPackageId(), request.getCloneServerId(),
                request.getCloneName(), request.hasDeployedAt() ? java.time.Instant.ofEpochSecond(
                        request.getDeployedAt().getSeconds(), request.getDeployedAt().getNanos()) : null));
    }

    @Override
    public void listDeployments(ListDeploymentsRequest request, StreamObserver<ListDeploymentsResponse> response) {
        unary(response, () -> {
            var page = service.listDeployments(request.getPackageId(), request.getCloneServerId(), request.getPageSize(),
                    request.getPageToken());
            return ListDeploymentsResponse.newBuilder().addAllDeployments(page.deployments())
                    .setNextPageToken(page.nextPageToken()).build();
        });
    }

    private static <T> void unary(StreamObserver<T> response, Callable<T> work) {
        T result;
        try {
            result = work.call();
        } catch (Exception e) {
            response.onError(GrpcErrors.toStatus(e));
            return;
        }
        response.onNext(result);
        response.onCompleted();
    }
}
