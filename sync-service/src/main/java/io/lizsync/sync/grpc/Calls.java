package io.lizsync.sync.grpc;

import io.lizsync.sync.config.NodeRoles;
import io.lizsync.sync.config.SyncConfig;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.util.concurrent.Callable;

/**
 * The one wrapper of sync-service's unary calls: the part's role is checked, the work runs on a
 * worker thread (it blocks on the database), failures become gRPC status through
 * {@link GrpcErrors}.
 */
public final class Calls {

    private final NodeRoles roles;
    private final SyncConfig.Role role;
    private final String part;

    private Calls(NodeRoles roles, SyncConfig.Role role, String part) {
        this.roles = roles;
        this.role = role;
        this.part = part;
    }

    /** Calls of {@code part} (named in refusals), served only by a process holding {@code role}. */
    public static Calls of(NodeRoles roles, SyncConfig.Role role, String part) {
        return new Calls(roles, role, part);
    }

    /** Refuses the call unless this process holds the part's role. */
    public void check() {
        roles.require(role, part);
    }

    /**
     * Runs {@code work} on the thread that subscribes, after the role check: for a {@code @Blocking}
     * method, already on a worker thread, this saves {@link #run}'s hop to another one. On an event
     * loop (a method that is not {@code @Blocking}) it is {@link #run}: the work never blocks one.
     */
    public <T> Uni<T> runHere(Callable<T> work) {
        return Uni.createFrom().deferred(() -> {
            if (io.vertx.core.Context.isOnEventLoopThread()) {
                return run(work);
            }
            try {
                check();
                return Uni.createFrom().item(work.call());
            } catch (Exception e) {
                return Uni.createFrom().failure(GrpcErrors.toStatus(e));
            }
        });
    }

    /** Runs {@code work} on a worker thread after the role check. */
    public <T> Uni<T> run(Callable<T> work) {
        return Uni.createFrom().item(() -> {
            try {
                check();
                return work.call();
            } catch (Exception e) {
                throw GrpcErrors.toStatus(e);
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
