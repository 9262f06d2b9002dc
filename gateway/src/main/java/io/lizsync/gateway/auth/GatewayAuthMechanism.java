package io.lizsync.gateway.auth;

import io.lizsync.gateway.ui.UiErrors;
import io.lizsync.gateway.ui.UiPaths;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.Set;

/**
 * How the gateway reads who calls: {@code Authorization: Bearer <token>} (scripts and apps: an API
 * token, an access token or a session) or the session cookie (browsers); nothing presented is an
 * anonymous request, which only the endpoints open to anyone (login, health, the API document)
 * serve. Every other endpoint declares its roles ({@code @RolesAllowed}); an endpoint that
 * declares none is refused ({@code quarkus.security.jaxrs.deny-unannotated-endpoints}). A
 * dashboard page ({@code /ui/}) challenges a browser with a 303 to the login page instead of a 401.
 */
@ApplicationScoped
public class GatewayAuthMechanism implements HttpAuthenticationMechanism {

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        Cookie cookie = context.request().getCookie(SessionCookies.SESSION);
        Optional<Credential> credential;
        try {
            credential = Credential.of(context.request().getHeader("Authorization"), cookie == null ? null : cookie.getValue());
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().failure(new AuthenticationFailedException(e.getMessage()));
        }
        if (credential.isEmpty()) {
            return Uni.createFrom().optional(Optional.empty());
        }
        return identityProviderManager.authenticate(
                HttpSecurityUtils.setRoutingContextAttribute(new CredentialRequest(credential.get()), context));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        if (UiErrors.isUi(context.request().path())) {
            // A dashboard page: the browser goes to the login page, which comes back here.
            return Uni.createFrom().item(new ChallengeData(303, "Location", UiPaths.loginFor(context.request().uri())));
        }
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer realm=\"lizsync\""));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(CredentialRequest.class);
    }
}
