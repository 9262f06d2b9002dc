package io.lizsync.registry.grpc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.lizsync.grpckit.auth.AccessInterceptor;
import io.lizsync.grpckit.auth.AccessTokens;
import io.lizsync.grpckit.auth.KeyFiles;
import io.lizsync.registry.config.RegistryConfig;
import io.quarkus.grpc.GlobalInterceptor;

/** Every call of this service through its access table ({@link RegistryAccess}) before it runs. */
@ApplicationScoped
@GlobalInterceptor
public class AccessCheck implements ServerInterceptor {

    private final AccessInterceptor delegate;

    public AccessCheck(RegistryConfig config) {
        try {
            this.delegate = new AccessInterceptor(RegistryAccess.policy(), new AccessTokens.Verifier(
                    KeyFiles.readPublic(config.accessTokens().publicKeyFile()), Clock.systemUTC()), Clock.systemUTC());
        } catch (IOException e) {
            throw new UncheckedIOException("registry-service cannot read the access token public key"
                    + " (lizsync.registry.access-tokens.public-key-file): " + e.getMessage(), e);
        }
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        return delegate.interceptCall(call, headers, next);
    }
}
