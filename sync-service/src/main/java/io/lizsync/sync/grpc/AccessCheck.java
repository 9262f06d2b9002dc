package io.lizsync.sync.grpc;

import io.lizsync.grpckit.auth.AccessInterceptor;
import io.lizsync.grpckit.auth.Caller;
import io.lizsync.grpckit.auth.LocalToken;
import io.lizsync.sync.config.NodeRoles;
import io.lizsync.sync.config.SyncConfig;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * Every call of this process through its access table ({@link SyncAccess}) before it runs. A
 * process holding the clone role also keeps a local token in {@code <state dir>/local-token}
 * (0600): the CLI on the clone's machine calls the sidecar with it when no registry is reachable.
 */
@Singleton
@GlobalInterceptor
public class AccessCheck extends AccessInterceptor {

    private static final Logger LOG = Logger.getLogger(AccessCheck.class);

    private final LocalToken local;

    public AccessCheck(SyncConfig config, NodeRoles roles) {
        super(SyncAccess.policy(config.serve()), config.authPublicKeyFile(),
                "lizsync.sync.auth-public-key-file, LIZSYNC_AUTH_PUBLIC_KEY_FILE", config.authClockLeeway());
        this.local = roles.isClone() ? localToken(Path.of(config.stateDir(), "local-token")) : null;
    }

    private static LocalToken localToken(Path file) {
        try {
            LocalToken t = LocalToken.createOrLoad(file);
            LOG.infof("local token of the clone agent in %s (readable by this service's user only)", file);
            return t;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the sidecar's local token in " + file
                    + " (lizsync.sync.state-dir, LIZSYNC_SYNC_STATE_DIR): " + e.getMessage(), e);
        }
    }

    @Override
    protected Caller localCaller(String token) {
        return local == null ? null : local.callerFor(token);
    }
}
