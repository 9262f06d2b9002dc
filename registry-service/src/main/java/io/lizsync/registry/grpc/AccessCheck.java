package io.lizsync.registry.grpc;


import jakarta.enterprise.context.ApplicationScoped;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.lizsync.grpckit.auth.AccessInterceptor;
import io.lizsync.registry.config.RegistryConfig;
import io.quarkus.grpc.GlobalInterceptor;

/** Every call of this service through its access table ({@link RegistryAccess}) before it runs. */
@ApplicationScoped
@GlobalInterceptor
public class AccessCheck implements ServerInterceptor {

    private final AccessInterceptor delegate;

    public AccessCheck(RegistryConfig config) {
        this.delegate = AccessInterceptor.withPublicKey(RegistryAccess.policy(), config.accessTokens().publicKeyFile(),
                "lizsync.registry.access-tokens.public-key-file, LIZSYNC_AUTH_PUBLIC_KEY_FILE");
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        return delegate.interceptCall(call, headers, next);
    }
}
