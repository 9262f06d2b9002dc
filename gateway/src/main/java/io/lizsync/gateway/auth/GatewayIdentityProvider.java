package io.lizsync.gateway.auth;

import io.lizsync.grpckit.auth.Caller;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The identity of a request: the login and roles of its verified access token, and that token. */
@ApplicationScoped
public class GatewayIdentityProvider implements IdentityProvider<CredentialRequest> {

    /** Attribute of the identity holding the {@link Caller} (with the access token sent downstream). */
    public static final String CALLER = "lizsync.caller";
    /** Attribute holding the {@link Credential} presented. */
    public static final String CREDENTIAL = "lizsync.credential";

    @Inject
    CredentialExchange exchange;

    @Override
    public Class<CredentialRequest> getRequestType() {
        return CredentialRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(CredentialRequest request, AuthenticationRequestContext context) {
        return exchange.callerFor(request.credential()).map(caller -> QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(caller.login()))
                .addRoles(caller.roles())
                .addAttribute(CALLER, caller)
                .addAttribute(CREDENTIAL, request.credential())
                .build());
    }
}
