package io.lizsync.registry.grpc;

import io.lizsync.grpckit.auth.AccessInterceptor;
import io.lizsync.registry.config.RegistryConfig;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.inject.Singleton;

/** Every call of this process through its access table ({@link RegistryAccess}) before it runs. */
@Singleton
@GlobalInterceptor
public class AccessCheck extends AccessInterceptor {

    public AccessCheck(RegistryConfig config) {
        super(RegistryAccess.policy(), config.accessTokens().publicKeyFile(), "lizsync.registry.access-tokens.public-key-file, LIZSYNC_AUTH_PUBLIC_KEY_FILE");
    }
}
