package io.lizsync.gateway.auth;

import io.lizsync.gateway.config.GatewayConfig;
import io.lizsync.grpckit.auth.AccessTokens;
import io.lizsync.grpckit.auth.KeyFiles;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The verifier of access tokens, from the registry's public key (as in every service). */
public class AccessTokenVerifier {

    @Produces
    @Singleton
    AccessTokens.Verifier verifier(GatewayConfig config) {
        try {
            return new AccessTokens.Verifier(KeyFiles.readPublic(config.authPublicKeyFile()), Clock.systemUTC());
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read the access token public key (lizsync.gateway.auth-public-key-file, "
                    + "LIZSYNC_AUTH_PUBLIC_KEY_FILE): " + e.getMessage(), e);
        }
    }
}
