package io.lizsync.sync.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.sql.SQLException;
import org.jboss.logging.Logger;

/**
 * The one table from domain errors to gRPC status in sync-service. Expected errors (bad input,
 * refused preconditions) are logged at debug; unexpected ones at error with their cause.
 */
public final class GrpcErrors {

    private static final Logger LOG = Logger.getLogger(GrpcErrors.class);

    private GrpcErrors() {
    }

    /** Thrown when a call is not allowed in this process's role or state. */
    public static class PreconditionException extends RuntimeException {
        public PreconditionException(String message) {
            super(message);
        }
    }

    /** Trailers of an INVALID_ARGUMENT about one field of one row (a device's upload): the row's index. */
    public static final io.grpc.Metadata.Key<String> INVALID_ROW =
            io.grpc.Metadata.Key.of("lizsync-row", io.grpc.Metadata.ASCII_STRING_MARSHALLER);
    /** ... and the field's name (UTF-8, percent-encoded as in a URL query: a trailer is ASCII). */
    public static final io.grpc.Metadata.Key<String> INVALID_FIELD =
            io.grpc.Metadata.Key.of("lizsync-field", io.grpc.Metadata.ASCII_STRING_MARSHALLER);

    public static StatusRuntimeException toStatus(Throwable failure) {
        Throwable t = failure;
        if (t instanceof StatusRuntimeException sre) {
            return sre;
        }
        if (t instanceof io.lizsync.sync.central.exchange.service.ExchangeException ex) {
            LOG.debugf("exchange refused (%s): %s", ex.reason(), ex.getMessage());
            Status status = switch (ex.reason()) {
                case UNAUTHENTICATED -> Status.UNAUTHENTICATED;
                case PERMISSION_DENIED -> Status.PERMISSION_DENIED;
                case NOT_FOUND -> Status.NOT_FOUND;
                case PRECONDITION -> Status.FAILED_PRECONDITION;
                case ABORTED -> Status.ABORTED;
                case UNAVAILABLE -> Status.UNAVAILABLE;
            };
            return status.withDescription(ex.getMessage()).asRuntimeException();
        }
        if (t instanceof io.lizsync.sql.pkg.PackageRefusedException) {
            LOG.debugf("package refused: %s", t.getMessage());
            return Status.FAILED_PRECONDITION.withDescription(t.getMessage()).asRuntimeException();
        }
        if (t instanceof io.lizsync.sql.pkg.PackageFormatException
                || t instanceof java.io.IOException && t.getCause() instanceof io.lizsync.sql.pkg.PackageFormatException) {
            LOG.debugf("bad package: %s", t.getMessage());
            return Status.INVALID_ARGUMENT.withDescription("bad package: " + t.getMessage()).asRuntimeException();
        }
        if (t instanceof io.lizsync.sync.central.devices.service.InvalidFieldException f) {
            LOG.debugf("invalid edit: %s", f.getMessage());
            io.grpc.Metadata trailers = new io.grpc.Metadata();
            trailers.put(INVALID_ROW, Integer.toString(f.row()));
            trailers.put(INVALID_FIELD, java.net.URLEncoder.encode(f.field(), java.nio.charset.StandardCharsets.UTF_8));
            return Status.INVALID_ARGUMENT.withDescription(f.getMessage()).asRuntimeException(trailers);
        }
        if (t instanceof IllegalArgumentException) {
            LOG.debugf("invalid argument: %s", t.getMessage());
            return Status.INVALID_ARGUMENT.withDescription(t.getMessage()).asRuntimeException();
        }
        if (t instanceof PreconditionException || t instanceof io.lizsync.sync.config.NodeRoles.NotHeldException) {
            LOG.debugf("failed precondition: %s", t.getMessage());
            return Status.FAILED_PRECONDITION.withDescription(t.getMessage()).asRuntimeException();
        }
        if (t instanceof IllegalStateException) {
            // this service's own refusals of a state (not a clone yet, no credential, a pull cut short)
            LOG.debugf("refused in this state: %s", t.getMessage());
            return Status.FAILED_PRECONDITION.withDescription(t.getMessage()).asRuntimeException();
        }
        if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
            LOG.warnf("database unavailable: %s", sql.getMessage());
            return Status.UNAVAILABLE.withDescription("database unavailable: " + sql.getMessage()).asRuntimeException();
        }
        // The caller learns a reference, not the exception (its class and message may say more than it should).
        String reference = java.util.UUID.randomUUID().toString();
        LOG.errorf(t, "unexpected failure, reference %s", reference);
        return Status.INTERNAL.withDescription("internal error (reference " + reference + ", in the service's log)")
                .asRuntimeException();
    }
}
