package io.lizsync.gateway.auth;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** The credential a request presented, for {@link GatewayIdentityProvider}. */
public final class CredentialRequest extends BaseAuthenticationRequest {

    private final Credential credential;

    public CredentialRequest(Credential credential) {
        this.credential = credential;
    }

    public Credential credential() {
        return credential;
    }
}
