package io.lizsync.files.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lizsync.files.ftp.FtpFailure;
import io.lizsync.files.service.FolderNotConfiguredException;
import io.lizsync.files.service.JobNotFinishedException;
import io.lizsync.grpckit.jobs.JobFinishedException;
import io.lizsync.grpckit.jobs.JobNotFoundException;
import io.lizsync.grpckit.jobs.JobQueueFullException;
import io.lizsync.files.service.ListingTooLargeException;
import io.lizsync.files.service.MediaExistsException;
import io.lizsync.files.service.MediaNotFoundException;
import io.lizsync.files.service.OutOfRangeException;
import io.lizsync.files.service.UploadMismatchException;
import io.lizsync.files.service.UploadTooLargeException;
import java.nio.file.FileAlreadyExistsException;
import org.jboss.logging.Logger;

/**
 * The one table from domain errors to gRPC status in file-service. Expected errors (bad input,
 * unknown or existing files, refused uploads) are logged at debug; unexpected ones at error with
 * their cause.
 */
public final class GrpcErrors {

    private static final Logger LOG = Logger.getLogger(GrpcErrors.class);

    private GrpcErrors() {
    }

    public static StatusRuntimeException toStatus(Throwable failure) {
        Throwable t = failure;
        if (t instanceof StatusRuntimeException sre) {
            return sre;
        }
        Status status;
        if (t instanceof IllegalArgumentException) {
            status = Status.INVALID_ARGUMENT;
        } else if (t instanceof MediaNotFoundException || t instanceof JobNotFoundException) {
            status = Status.NOT_FOUND;
        } else if (t instanceof FtpFailure f) {
            status = Status.fromCode(Status.Code.valueOf(f.code().name()));
        } else if (t instanceof JobQueueFullException) {
            status = Status.RESOURCE_EXHAUSTED;
        } else if (t instanceof JobFinishedException || t instanceof JobNotFinishedException
                || t instanceof FolderNotConfiguredException) {
            status = Status.FAILED_PRECONDITION;
        } else if (t instanceof MediaExistsException) {
            status = Status.ALREADY_EXISTS;
        } else if (t instanceof FileAlreadyExistsException) {
            status = Status.ALREADY_EXISTS; // a file where the upload needs a folder
        } else if (t instanceof UploadTooLargeException || t instanceof ListingTooLargeException) {
            status = Status.RESOURCE_EXHAUSTED;
        } else if (t instanceof UploadMismatchException) {
            status = Status.DATA_LOSS;
        } else if (t instanceof OutOfRangeException) {
            status = Status.OUT_OF_RANGE;
        } else {
            // The caller learns a reference, not the exception (its class and message may say more than it should).
            String reference = java.util.UUID.randomUUID().toString();
            LOG.errorf(t, "unexpected failure, reference %s", reference);
            return Status.INTERNAL.withDescription("internal error (reference " + reference + ", in the service's log)")
                    .asRuntimeException();
        }
        LOG.debugf("%s: %s", status.getCode(), t.getMessage());
        return status.withDescription(t.getMessage()).asRuntimeException();
    }
}
