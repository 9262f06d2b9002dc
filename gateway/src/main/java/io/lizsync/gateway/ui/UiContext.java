package io.lizsync.gateway.ui;

import io.lizsync.gateway.auth.Credential;
import io.lizsync.gateway.auth.Csrf;
import io.lizsync.gateway.auth.GatewayIdentityProvider;
import io.lizsync.grpckit.auth.Roles;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The logged-in user as a dashboard page sees them: the page's {@link Chrome} and the check of a
 * form's CSRF token. A page's form posts carry the session's token ({@link Csrf}, the one the REST
 * API's header carries) in the hidden field {@value #FIELD}; a post authenticated by the session
 * cookie without it is refused (403) before anything is done.
 */
@ApplicationScoped
public class UiContext {

    public static final String FIELD = "csrf";

    @Inject
    SecurityIdentity identity;

    /** The chrome of a page for the current user. */
    public Chrome chrome(String page, String title) {
        boolean admin = identity.hasRole(Roles.ADMINISTRATOR);
        boolean ops = admin || identity.hasRole(Roles.OPERATOR);
        return new Chrome(page, title, identity.isAnonymous() ? null : identity.getPrincipal().getName(), admin, ops,
                identity.hasRole(Roles.FIELD), csrfToken());
    }

    /** True when the user may open the operators' pages (administrator or operator). */
    public boolean ops() {
        return identity.hasRole(Roles.ADMINISTRATOR) || identity.hasRole(Roles.OPERATOR);
    }

    /** The session's CSRF token; empty when the caller did not come with the session cookie. */
    public String csrfToken() {
        Credential c = credential();
        return c != null && c.fromCookie() ? Csrf.tokenFor(c.secret()) : "";
    }

    /** Refuses (403) a form post made with the session cookie whose {@value #FIELD} is not the session's token. */
    public void checkCsrf(String presented) {
        Credential c = credential();
        if (c != null && c.fromCookie() && !Csrf.matches(c.secret(), presented)) {
            throw new CsrfRefused();
        }
    }

    private Credential credential() {
        return identity.isAnonymous() ? null : identity.getAttribute(GatewayIdentityProvider.CREDENTIAL);
    }

    /** A form post without the session's CSRF token. */
    public static final class CsrfRefused extends ForbiddenException {
        CsrfRefused() {
            super("the form lacks the session's CSRF token: reload the page and try again");
        }
    }
}
