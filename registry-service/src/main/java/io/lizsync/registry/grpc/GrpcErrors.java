package io.lizsync.registry.grpc;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.lizsync.registry.error.AlreadyExistsException;
import io.lizsync.registry.error.FailedPreconditionException;
import io.lizsync.registry.error.InvalidArgumentException;
import io.lizsync.registry.error.NotFoundException;
import io.lizsync.registry.error.PermissionDeniedException;
import io.lizsync.registry.error.RegistryException;
import io.lizsync.registry.error.TooManyAttemptsException;
import io.lizsync.registry.error.UnauthenticatedException;

/**
 * The one table from registry failures to gRPC statuses.
 *
 * <p>Expected failures ({@link RegistryException}) keep their message, which never holds a secret,
 * and are logged at debug level. Constraint violations raised by PostgreSQL (a concurrent insert of
 * the same name, say) are expected too but their text may quote row values, so callers get a fixed
 * message. Anything else is a bug or an outage: INTERNAL with a reference, the details in the log.
 */
@ApplicationScoped
public class GrpcErrors {

    private static final Logger LOG = Logger.getLogger(GrpcErrors.class);

    public StatusRuntimeException toStatus(Throwable failure) {
        if (failure instanceof StatusRuntimeException sre) {
            return sre;
        }
        if (failure instanceof StatusException se) {
            return se.getStatus().asRuntimeException(se.getTrailers());
        }
        if (failure instanceof RegistryException re) {
            LOG.debugf("request refused: %s", re.getMessage());
            return statusOf(re).withDescription(re.getMessage()).asRuntimeException();
        }
        String sqlState = sqlState(failure);
        if (sqlState != null) {
            Status status = switch (sqlState) {
                case "23505" -> Status.ALREADY_EXISTS.withDescription("a record with the same unique value already exists");
                case "23503" -> Status.FAILED_PRECONDITION.withDescription("a referenced record is missing or still in use");
                case "23514", "23502", "22001", "22021", "22P02" -> Status.INVALID_ARGUMENT.withDescription("a value is not accepted by the registry database");
                case "40001", "40P01" -> Status.ABORTED.withDescription("concurrent update, retry the request");
                default -> null;
            };
            if (status != null) {
                LOG.debugf("database refused the request: SQLSTATE %s", sqlState);
                return status.asRuntimeException();
            }
        }
        String reference = UUID.randomUUID().toString();
        LOG.errorf(failure, "internal error, reference %s", reference);
        return Status.INTERNAL.withDescription("internal error (reference " + reference + ")").asRuntimeException();
    }

    static Status statusOf(RegistryException e) {
        if (e instanceof NotFoundException) {
            return Status.NOT_FOUND;
        } else if (e instanceof AlreadyExistsException) {
            return Status.ALREADY_EXISTS;
        } else if (e instanceof InvalidArgumentException) {
            return Status.INVALID_ARGUMENT;
        } else if (e instanceof UnauthenticatedException) {
            return Status.UNAUTHENTICATED;
        } else if (e instanceof PermissionDeniedException) {
            return Status.PERMISSION_DENIED;
        } else if (e instanceof FailedPreconditionException) {
            return Status.FAILED_PRECONDITION;
        } else if (e instanceof TooManyAttemptsException) {
            return Status.RESOURCE_EXHAUSTED;
        }
        return Status.INTERNAL;
    }

    /** The SQLSTATE of the first PostgreSQL error in the cause chain, or null. */
    static String sqlState(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof io.vertx.pgclient.PgException pg) {
                return pg.getSqlState();
            }
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }
}
