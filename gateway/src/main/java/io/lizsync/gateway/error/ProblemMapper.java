package io.lizsync.gateway.error;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lizsync.grpckit.MessageSizeErrors;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.jboss.logging.Logger;

/**
 * The gateway's mirror of the services' error tables: gRPC status to HTTP, with an
 * {@code application/problem+json} body and no stack trace. A message refused for its size
 * (grpc-kit {@link MessageSizeErrors}) is the gateway's exchange with a service failing, not the
 * caller's request: 502, with the explanation. On a dashboard page ({@code /ui/}) the same failure
 * is an HTML page.
 */
@Provider
public class ProblemMapper implements ExceptionMapper<StatusRuntimeException> {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);
    /** Inbound limit of the gateway's channels (application.properties: every quarkus.grpc.clients.*). */
    public static final String LIMIT_KEY = "lizsync.gateway.max-message-bytes";

    @Override
    public Response toResponse(StatusRuntimeException e) {
        var request = io.quarkus.arc.Arc.container().instance(io.quarkus.vertx.http.runtime.CurrentVertxRequest.class).get();
        if (request != null && request.getCurrent() != null
                && io.lizsync.gateway.ui.UiErrors.isUi(request.getCurrent().normalizedPath())) {
            // A dashboard page (a service failed before the page could, e.g. while checking the session): a page.
            return io.quarkus.arc.Arc.container().instance(io.lizsync.gateway.ui.UiErrors.class).get().beforeThePage(e);
        }
        return toResponse(e, org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getOptionalValue(LIMIT_KEY, Integer.class).orElse(16 * 1024 * 1024));
    }

    /** The problem document of a downstream failure, {@code limit} being the channels' inbound limit. */
    public static Response toResponse(StatusRuntimeException failure, int limit) {
        StatusRuntimeException e = MessageSizeErrors.Call.to("a service", "the gateway's call")
                .accepting(limit, LIMIT_KEY + " (LIZSYNC_GATEWAY_MAX_MESSAGE_BYTES) of the gateway")
                .peerLimit("that service's lizsync.<service>.max-message-bytes").explain(failure);
        Status.Code code = e.getStatus().getCode();
        int http = MessageSizeErrors.isSizeRefusal(e.getStatus()) ? 502 : httpStatus(code);
        if (http >= 500) {
            LOG.warnf("downstream failure %s: %s", code, e.getStatus().getDescription());
        } else {
            LOG.debugf("request refused %s: %s", code, e.getStatus().getDescription());
        }
        return Problems.of(http, code.name(), e.getStatus().getDescription());
    }

    /** The one table from a service's gRPC status to the REST answer's HTTP status. */
    public static int httpStatus(Status.Code code) {
        return switch (code) {
            case NOT_FOUND -> 404;
            case ALREADY_EXISTS, FAILED_PRECONDITION -> 409;
            case INVALID_ARGUMENT, OUT_OF_RANGE -> 400;
            case UNAUTHENTICATED -> 401;
            case PERMISSION_DENIED -> 403;
            case RESOURCE_EXHAUSTED -> 429;
            case UNAVAILABLE -> 503;
            case DEADLINE_EXCEEDED -> 504;
            case UNIMPLEMENTED -> 501;
            default -> 500;
        };
    }

}
