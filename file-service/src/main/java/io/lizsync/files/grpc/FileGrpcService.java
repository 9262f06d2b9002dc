package io.lizsync.files.grpc;

import io.grpc.Status;
import io.lizsync.grpckit.auth.Caller;

import io.lizsync.grpckit.FlowControlledSender;

import io.grpc.stub.StreamObserver;
import io.lizsync.files.service.FileJobs;
import io.lizsync.files.service.FtpOperations;
import io.lizsync.files.service.MediaService;
import io.lizsync.proto.files.v1.FileOperationReport;
import io.lizsync.proto.files.v1.GetFileOperationReportRequest;
import io.lizsync.proto.files.v1.DownloadMediaRequest;
import io.lizsync.proto.files.v1.FileServiceGrpc;
import io.lizsync.proto.files.v1.GetProjectsFromCentralFtpRequest;
import io.lizsync.proto.files.v1.ListMediaRequest;
import io.lizsync.proto.files.v1.ListMediaResponse;
import io.lizsync.proto.files.v1.MediaChunk;
import io.lizsync.proto.files.v1.MediaInfo;
import io.lizsync.proto.files.v1.SendProjectsToCloneFtpRequest;
import io.lizsync.proto.files.v1.SyncMediaToCentralFtpRequest;
import io.lizsync.proto.files.v1.UploadMediaRequest;
import io.lizsync.proto.jobs.v1.Job;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * gRPC transport of file-service: translates and delegates, nothing more.
 *
 * <p>Written against the grpc-java base class rather than the Mutiny interface because
 * DownloadMedia must follow the client's flow control (see {@link FlowControlledSender}).
 * {@code @Blocking}: every method touches the disk; the messages of an upload are then handled
 * one after the other on worker threads, and the next one is only requested once the previous
 * one is written.
 */
@GrpcService
@Blocking
public class FileGrpcService extends FileServiceGrpc.FileServiceImplBase {

    private static final Logger LOG = Logger.getLogger(FileGrpcService.class);

    private final MediaService service;
    private final FtpOperations operations;
    private final FileJobs jobs;

    FileGrpcService(MediaService service, FtpOperations operations, FileJobs jobs) {
        this.service = service;
        this.operations = operations;
        this.jobs = jobs;
    }

    @Override
    public void getProjectsFromCentralFtp(GetProjectsFromCentralFtpRequest request, StreamObserver<Job> response) {
        unary(response, () -> operations.getProjects(request, login()));
    }

    @Override
    public void sendProjectsToCloneFtp(SendProjectsToCloneFtpRequest request, StreamObserver<Job> response) {
        unary(response, () -> operations.sendProjects(request, login()));
    }

    @Override
    public void syncMediaToCentralFtp(SyncMediaToCentralFtpRequest request, StreamObserver<Job> response) {
        unary(response, () -> operations.syncMedia(request, login()));
    }

    @Override
    public void getFileOperationReport(GetFileOperationReportRequest request,
            StreamObserver<FileOperationReport> response) {
        unary(response, () -> jobs.report(request.getJobId()));
    }

    /** One answer, or the mapped error. */
    static <T> void unary(StreamObserver<T> response, java.util.concurrent.Callable<T> work) {
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

    /** The login of the caller (from its verified token). */
    static String login() {
        Caller caller = Caller.current();
        return caller == null ? "" : caller.login();
    }

    @Override
    public void listMedia(ListMediaRequest request, StreamObserver<ListMediaResponse> response) {
        ListMediaResponse result;
        try {
            Instant after = request.hasModifiedAfter()
                    ? Instant.ofEpochSecond(request.getModifiedAfter().getSeconds(), request.getModifiedAfter().getNanos())
                    : null;
            result = ListMediaResponse.newBuilder()
                    .addAllMedia(service.list(request.getProjectKey(), request.getPrefix(), after))
                    .build();
        } catch (Exception e) {
            response.onError(GrpcErrors.toStatus(e));
            return;
        }
        response.onNext(result);
        response.onCompleted();
    }

    @Override
    public void downloadMedia(DownloadMediaRequest request, StreamObserver<MediaChunk> response) {
        try {
            var download = service.prepareDownload(request.getProjectKey(), request.getPath(), request.getOffset(),
                    request.getChunkSize());
            FlowControlledSender.start(response, new MediaChunks(download),
                    download.chunkSize() + io.lizsync.grpckit.MessageLimits.CHUNK_OVERHEAD, GrpcErrors::toStatus);
        } catch (Exception e) {
            response.onError(GrpcErrors.toStatus(e));
        }
    }

    @Override
    public StreamObserver<UploadMediaRequest> uploadMedia(StreamObserver<MediaInfo> response) {
        Caller caller = Caller.current();
        return new StreamObserver<>() {
            private MediaService.Upload upload;
            private boolean failed;

            @Override
            public void onNext(UploadMediaRequest message) {
                if (failed) {
                    return;
                }
                try {
                    if (upload == null) {
                        if (!message.hasMetadata()) {
                            throw new IllegalArgumentException("the first message of an upload must carry its metadata");
                        }
                        if (message.getMetadata().getOverwrite() && !FilesAccess.mayOverwrite(caller)) {
                            throw Status.PERMISSION_DENIED.withDescription("overwriting a media file is an operator's:"
                                    + " upload under a new name, or ask an operator").asRuntimeException();
                        }
                        upload = service.beginUpload(message.getMetadata());
                    } else if (message.hasMetadata()) {
                        throw new IllegalArgumentException("metadata may only be sent once, in the first message");
                    } else {
                        upload.write(message.getData());
                    }
                } catch (Exception e) {
                    fail(e);
                }
            }

            @Override
            public void onError(Throwable t) {
                LOG.debugf("upload abandoned by the client: %s", t.getMessage());
                failed = true;
                if (upload != null) {
                    upload.abort();
                }
            }

            @Override
            public void onCompleted() {
                if (failed) {
                    return;
                }
                MediaInfo info;
                try {
                    if (upload == null) {
                        throw new IllegalArgumentException("an upload needs a first message with its metadata");
                    }
                    info = upload.finish();
                } catch (Exception e) {
                    fail(e);
                    return;
                }
                response.onNext(info);
                response.onCompleted();
            }

            private void fail(Exception e) {
                failed = true;
                if (upload != null) {
                    upload.abort();
                }
                response.onError(GrpcErrors.toStatus(e));
            }
        };
    }
}
