package io.lizsync.registry.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;

import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.lizsync.registry.error.AlreadyExistsException;
import io.lizsync.registry.error.FailedPreconditionException;
import io.lizsync.registry.error.InvalidArgumentException;
import io.lizsync.registry.error.NotFoundException;
import io.lizsync.registry.error.PermissionDeniedException;
import io.lizsync.registry.error.UnauthenticatedException;

class GrpcErrorsTest {

    private final GrpcErrors errors = new GrpcErrors();

    private Status.Code code(Throwable t) {
        return errors.toStatus(t).getStatus().getCode();
    }

    @Test
    void domainExceptionsMapToTheirStatus() {
        assertEquals(Status.Code.NOT_FOUND, code(new NotFoundException("x")));
        assertEquals(Status.Code.ALREADY_EXISTS, code(new AlreadyExistsException("x")));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(new InvalidArgumentException("x")));
        assertEquals(Status.Code.UNAUTHENTICATED, code(new UnauthenticatedException("x")));
        assertEquals(Status.Code.PERMISSION_DENIED, code(new PermissionDeniedException("x")));
        assertEquals(Status.Code.FAILED_PRECONDITION, code(new FailedPreconditionException("x")));
        assertEquals("server 1 not found", errors.toStatus(new NotFoundException("server 1 not found")).getStatus().getDescription());
    }

    @Test
    void databaseConstraintViolationsAreExpected() {
        assertEquals(Status.Code.ALREADY_EXISTS, code(new RuntimeException(new SQLException("dup", "23505"))));
        assertEquals(Status.Code.FAILED_PRECONDITION, code(new RuntimeException(new SQLException("fk", "23503"))));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(new SQLException("check", "23514")));
    }

    @Test
    void anythingElseIsInternalWithoutDetails() {
        var status = errors.toStatus(new IllegalStateException("internal detail xyz")).getStatus();
        assertEquals(Status.Code.INTERNAL, status.getCode());
        assertFalse(status.getDescription().contains("xyz"));
        assertTrue(status.getDescription().startsWith("internal error (reference "));
    }
}
