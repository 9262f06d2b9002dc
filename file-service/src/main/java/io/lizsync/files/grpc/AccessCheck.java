package io.lizsync.files.grpc;

import io.lizsync.files.config.FilesConfig;
import io.lizsync.grpckit.auth.AccessInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.inject.Singleton;

/** Every call of this process through its access table ({@link FilesAccess}) before it runs. */
@Singleton
@GlobalInterceptor
public class AccessCheck extends AccessInterceptor {

    public AccessCheck(FilesConfig config) {
        super(FilesAccess.policy(), config.authPublicKeyFile(), "lizsync.files.auth-public-key-file, LIZSYNC_AUTH_PUBLIC_KEY_FILE");
    }
}
