package io.lizsync.gateway.auth;

import io.lizsync.gateway.error.Problems;
import io.lizsync.gateway.ui.UiErrors;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** Refuses a cookie-authenticated write without the session's CSRF token ({@link Csrf}), before anything runs. */
public class CsrfFilter {

    /** Logging in opens a session: no session token to derive from yet (its body must be JSON: no form can post it). */
    static final String LOGIN_PATH = "/api/v1/session";

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> check(ContainerRequestContext request) {
        if (!Csrf.needsToken(request.getMethod()) || request.getHeaderString("Authorization") != null) {
            return Optional.empty();
        }
        Cookie session = request.getCookies().get(SessionCookies.SESSION);
        if (session == null || session.getValue().isBlank()) {
            return Optional.empty();
        }
        if ("POST".equals(request.getMethod()) && LOGIN_PATH.equals(request.getUriInfo().getPath())) {
            return Optional.empty();
        }
        if (UiErrors.isUi(request.getUriInfo().getPath())) {
            // The dashboard's form posts carry the token in their "csrf" field, which its pages check
            // (ui.UiContext#checkCsrf) before doing anything: a form cannot send a header.
            return Optional.empty();
        }
        if (Csrf.matches(session.getValue(), request.getHeaderString(Csrf.HEADER))) {
            return Optional.empty();
        }
        return Optional.of(Problems.of(403, "CSRF token missing or wrong",
                "a write authenticated by the session cookie needs the " + Csrf.HEADER
                        + " header with the session's CSRF token (the login answer's csrfToken, or the "
                        + SessionCookies.CSRF + " cookie)"));
    }
}
