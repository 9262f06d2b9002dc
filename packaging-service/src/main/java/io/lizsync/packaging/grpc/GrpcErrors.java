package io.lizsync.packaging.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lizsync.packaging.service.CorruptPackageException;
import io.lizsync.packaging.service.OutOfRangeException;
import io.lizsync.packaging.service.PackageNotFoundException;
import org.jboss.logging.Logger;

/**
 * The one table from domain errors to gRPC status in packaging-service. Expected errors (bad
 * input, unknown packages) are logged at debug; unexpected ones at error with their cause.
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
        if (t instanceof IllegalArgumentException) {
            LOG.debugf("invalid argument: %s", t.getMessage());
            return Status.INVALID_ARGUMENT.withDescription(t.getMessage()).asRuntimeException();
        }
        if (t instanceof io.lizsync.sql.pkg.PackageRefusedException
                || t instanceof io.lizsync.grpckit.jobs.JobFinishedException) {
            LOG.debugf("refused: %s", t.getMessage());
            return Status.FAILED_PRECONDITION.withDescription(t.getMessage()).asRuntimeException();
        }
        if (t instanceof io.lizsync.sql.pkg.PackageBuildCancelledException) {
            LOG.debugf("cancelled: %s", t.getMessage());
            return Status.CANCELLED.withDescription(t.getMessage()).asRuntimeException();
        }
        if (t instanceof PackageNotFoundException || t instanceof io.lizsync.grpckit.jobs.JobNotFoundException) {
            LOG.debugf("not found: %s", t.getMessage());
            return Status.NOT_FOUND.withDescription(t.getMessage()).asRuntimeException();
        }
        if (t instanceof OutOfRangeException) {
            LOG.debugf("out of range: %s", t.getMessage());
            return Status.OUT_OF_RANGE.withDescription(t.getMessage()).asRuntimeException();
        }
        if (t instanceof java.sql.SQLException sql) {
            if ("42P01".equals(sql.getSQLState()) || "42883".equals(sql.getSQLState()) || "3F000".equals(sql.getSQLState())) {
                LOG.warnf("central database without the LizSync tools: %s", sql.getMessage());
                return Status.FAILED_PRECONDITION.withDescription("the LizSync tools (version 3 or later) are not "
                        + "installed in the central database: run install or upgrade").asRuntimeException();
            }
            if (sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
                LOG.warnf("central database unavailable: %s", sql.getMessage());
                return Status.UNAVAILABLE.withDescription("central database unavailable").asRuntimeException();
            }
        }
        if (t instanceof io.lizsync.grpckit.jobs.JobQueueFullException full) {
            LOG.infof("build refused: %s", full.getMessage());
            return Status.RESOURCE_EXHAUSTED.withDescription(full.getMessage()).asRuntimeException();
        }
        if (t instanceof CorruptPackageException) {
            LOG.warnf("corrupt package: %s", t.getMessage());
            return Status.DATA_LOSS.withDescription(t.getMessage()).asRuntimeException();
        }
        // The caller learns a reference, not the exception (its class and message may say more than it should).
        String reference = java.util.UUID.randomUUID().toString();
        LOG.errorf(t, "unexpected failure, reference %s", reference);
        return Status.INTERNAL.withDescription("internal error (reference " + reference + ", in the service's log)")
                .asRuntimeException();
    }
}
