package io.lizsync.gateway.error;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import io.lizsync.gateway.ui.UiContext;
import io.lizsync.gateway.ui.UiErrors;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every failure that is not a service's answer (those are {@link ProblemMapper}'s), as a problem
 * document: no credential or a bad one 401, a role missing 403, invalid input 400 naming the
 * fields, the gateway's own request errors with their status, anything unexpected 500 with a
 * reference (the exception goes to the log, never to the caller). On the dashboard's pages
 * ({@code /ui/}) a browser gets pages instead ({@link UiErrors}): the login page (303) without a
 * valid session, a 403 page for a missing role or CSRF token.
 */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @ServerExceptionMapper
    public Response unauthenticated(AuthenticationFailedException e, UriInfo uri) {
        if (UiErrors.isUi(uri.getPath())) {
            return ui().toLogin(pathAndQuery(uri), true, "https".equals(uri.getRequestUri().getScheme()));
        }
        return withChallenge(Problems.of(401, "Unauthenticated",
                e.getMessage() == null ? "the credential was refused" : e.getMessage()));
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e, UriInfo uri) {
        if (UiErrors.isUi(uri.getPath())) {
            return ui().toLogin(pathAndQuery(uri), false, false);
        }
        return withChallenge(Problems.of(401, "Unauthenticated",
                "this operation needs a credential: Authorization: Bearer <API token>, or the session cookie of POST /api/v1/session"));
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        if (UiErrors.isUi(uri.getPath())) {
            return ui().forbidden(e instanceof UiContext.CsrfRefused ? e.getMessage() : "Your roles do not allow this page.");
        }
        return Problems.of(403, "Forbidden", "your roles do not allow this operation");
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e, UriInfo uri) {
        if (UiErrors.isUi(uri.getPath())) {
            return ui().failure(new jakarta.ws.rs.BadRequestException("This address is not valid: "
                    + e.getConstraintViolations().stream().map(v -> field(v.getPropertyPath()) + " " + v.getMessage())
                            .sorted().reduce((a, b) -> a + "; " + b).orElse("invalid input") + "."));
        }
        List<Problems.FieldError> errors = new ArrayList<>();
        for (ConstraintViolation<?> v : e.getConstraintViolations()) {
            errors.add(new Problems.FieldError(field(v.getPropertyPath()), v.getMessage()));
        }
        errors.sort(Comparator.comparing(Problems.FieldError::field));
        StringBuilder detail = new StringBuilder();
        for (Problems.FieldError f : errors) {
            detail.append(detail.isEmpty() ? "" : "; ").append(f.field()).append(": ").append(f.message());
        }
        return Problems.invalid(detail.toString(), errors);
    }

    @ServerExceptionMapper
    public Response invalidArgument(IllegalArgumentException e) {
        return Problems.of(400, "Invalid request", e.getMessage());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        if (UiErrors.isUi(uri.getPath()) && e.getResponse().getStatus() >= 400) {
            return ui().failure(e);
        }
        int status = e.getResponse().getStatus();
        Response.Status known = Response.Status.fromStatusCode(status);
        String detail = e.getMessage();
        if (status == 400 && e.getCause() != null) {
            // A body that is not JSON, or not the expected shape: say so, without the parser's internals.
            detail = "the request body is not valid JSON of the expected shape";
        }
        return Problems.of(status, known == null ? "Error" : known.getReasonPhrase(), detail);
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e) {
        String reference = UUID.randomUUID().toString();
        LOG.errorf(e, "unexpected failure, reference %s", reference);
        return Problems.internal(reference);
    }

    /**
     * The name the caller knows: a body property path ("tables[0].schema"), or a query or path
     * parameter's name; the Java method and body parameter names are left out.
     */
    static String field(Path path) {
        StringBuilder out = new StringBuilder();
        String lastParameter = null;
        for (Path.Node n : path) {
            if (n.getKind() == ElementKind.METHOD) {
                continue;
            }
            if (n.getKind() == ElementKind.PARAMETER) {
                lastParameter = n.getName();
                continue;
            }
            if (n.isInIterable()) {
                out.append('[').append(n.getIndex() == null ? (n.getKey() == null ? "" : n.getKey()) : n.getIndex()).append(']');
            }
            if (n.getName() != null) {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(n.getName());
            }
        }
        return out.isEmpty() ? (lastParameter == null ? "request" : lastParameter) : out.toString();
    }

    /** The dashboard's error pages: a page without a session goes to the login page, a refusal is an HTML page. */
    private static UiErrors ui() {
        return io.quarkus.arc.Arc.container().instance(UiErrors.class).get();
    }

    private static String pathAndQuery(UriInfo uri) {
        String query = uri.getRequestUri().getRawQuery();
        return uri.getRequestUri().getRawPath() + (query == null ? "" : "?" + query);
    }

    private static Response withChallenge(Response r) {
        return Response.fromResponse(r).header("WWW-Authenticate", "Bearer realm=\"lizsync\"").build();
    }
}
