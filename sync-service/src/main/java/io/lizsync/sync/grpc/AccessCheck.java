package io.lizsync.sync.grpc;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.lizsync.grpckit.auth.AccessInterceptor;
import io.lizsync.sync.config.SyncConfig;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/** Every call of this process through its access table ({@link SyncAccess}) before it runs. */
@ApplicationScoped
@GlobalInterceptor
public class AccessCheck implements ServerInterceptor {

    private final AccessInterceptor delegate;

    public AccessCheck(SyncConfig config) {
        this.delegate = AccessInterceptor.withPublicKey(SyncAccess.policy(), config.authPublicKeyFile(),
                "lizsync.sync.auth-public-key-file, LIZSYNC_AUTH_PUBLIC_KEY_FILE");
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        return delegate.interceptCall(call, headers, next);
    }
}
