package io.lizsync.packaging.grpc;

import io.lizsync.grpckit.auth.AccessInterceptor;
import io.lizsync.packaging.config.PackagingConfig;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.inject.Singleton;

/** Every call of this process through its access table ({@link PackagingAccess}) before it runs. */
@Singleton
@GlobalInterceptor
public class AccessCheck extends AccessInterceptor {

    public AccessCheck(PackagingConfig config) {
        super(PackagingAccess.policy(), config.authPublicKeyFile(), "lizsync.packaging.auth-public-key-file, LIZSYNC_AUTH_PUBLIC_KEY_FILE");
    }
}
