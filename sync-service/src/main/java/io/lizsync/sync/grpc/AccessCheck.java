package io.lizsync.sync.grpc;

import io.lizsync.grpckit.auth.AccessInterceptor;
import io.lizsync.sync.config.SyncConfig;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.inject.Singleton;

/** Every call of this process through its access table ({@link SyncAccess}) before it runs. */
@Singleton
@GlobalInterceptor
public class AccessCheck extends AccessInterceptor {

    public AccessCheck(SyncConfig config) {
        super(SyncAccess.policy(), config.authPublicKeyFile(),
                "lizsync.sync.auth-public-key-file, LIZSYNC_AUTH_PUBLIC_KEY_FILE", config.authClockLeeway());
    }
}
