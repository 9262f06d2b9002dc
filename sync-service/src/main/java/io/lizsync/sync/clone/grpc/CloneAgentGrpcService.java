package io.lizsync.sync.clone.grpc;

import io.lizsync.proto.sync.v1.AttachRequest;
import io.lizsync.proto.sync.v1.AttachResponse;
import io.lizsync.proto.sync.v1.CloneAgent;
import io.lizsync.proto.sync.v1.CloneStatus;
import io.lizsync.proto.sync.v1.DeployProgress;
import io.lizsync.proto.sync.v1.DeployRequest;
import io.lizsync.proto.sync.v1.GetCloneStatusRequest;
import io.lizsync.proto.sync.v1.SynchronizeRequest;
import io.lizsync.proto.sync.v1.SynchronizeResponse;
import io.lizsync.sync.clone.central.CentralClient;
import io.lizsync.sync.clone.repository.CloneStore;
import io.lizsync.sync.clone.service.DeployService;
import io.lizsync.sync.clone.service.SyncRunner;
import io.lizsync.sync.config.NodeRoles;
import io.lizsync.sync.config.SyncConfig;
import io.lizsync.sync.grpc.Calls;
import io.lizsync.sync.engine.TableRef;
import io.lizsync.sync.grpc.GrpcErrors;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.lizsync.grpckit.auth.Caller;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.util.concurrent.Callable;

/** gRPC transport of the clone sidecar. */
@GrpcService
public class CloneAgentGrpcService implements CloneAgent {

    private final SyncRunner runner;
    private final CloneStore store;
    private final Calls calls;
    private final DeployService deployer;
    private final CentralClient central;

    CloneAgentGrpcService(SyncRunner runner, CloneStore store, NodeRoles roles, DeployService deployer,
            CentralClient central) {
        this.deployer = deployer;
        this.central = central;
        this.runner = runner;
        this.store = store;
        this.calls = Calls.of(roles, SyncConfig.Role.clone, "the clone agent (deploys, sync sessions)");
    }

    @Override
    public Uni<SynchronizeResponse> synchronize(SynchronizeRequest request) {
        return call(() -> {
            var o = runner.synchronize();
            return SynchronizeResponse.newBuilder().setStatus(1)
                    .setMessage(o.toCentral() + " change(s) replayed to central, " + o.toClone() + " to the clone, "
                            + o.conflicts() + " conflict(s)" + (o.assignment() == null ? "" : "; " + o.assignment()))
                    .setNumberReplayedToCentral(o.toCentral()).setNumberReplayedToClone(o.toClone())
                    .setNumberConflicts(o.conflicts()).setDurationMs(o.durationMs()).build();
        });
    }

    @Override
    public Multi<DeployProgress> deploy(DeployRequest request) {
        String token = callerToken();
        return Multi.createFrom().<DeployProgress>emitter(emitter -> {
            try {
                calls.check();
                DeployProgress last = deployer.deploy(request, emitter::emit, token);
                emitter.emit(last);
                emitter.complete();
            } catch (Exception e) {
                emitter.fail(GrpcErrors.toStatus(e));
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    @Override
    public Uni<CloneStatus> getCloneStatus(GetCloneStatusRequest request) {
        return call(() -> {
            var me = store.identity();
            String pkg = store.packageId();
            return CloneStatus.newBuilder().setCloneId(me.cloneId()).setCentralId(me.centralId() == null ? "" : me.centralId())
                    .setToolsVersion(me.toolsVersion()).setUnsyncedEdits(store.unsyncedEdits())
                    .setPackageId(pkg == null ? "" : pkg).setRegistered(!runner.registrationIsPending()).build();
        });
    }

    @Override
    public Uni<AttachResponse> attach(AttachRequest request) {
        return call(() -> {
            if (request.getRegistrationTicket().isBlank()) {
                throw new IllegalArgumentException("registration_ticket: a ticket from registry-service is required"
                        + " (IssueRegistrationTicket without package; lizsync join-clone asks for one)");
            }
            var tables = request.getTablesList().stream().map(t -> new TableRef(t.getSchemaName(), t.getTableName()))
                    .toList();
            if (tables.isEmpty()) {
                throw new IllegalArgumentException("tables: at least one table");
            }
            String cloneId = java.util.UUID.randomUUID().toString();
            // central first (the ticket is spent there), then this database
            var reg = central.register(cloneId, tables, request.getRegistrationTicket(), "");
            store.attach(reg.getCloneId(), request.getCloneName().isBlank() ? "clone" : request.getCloneName(),
                    reg.getCentralId(), reg.getTickId(), tables);
            return AttachResponse.newBuilder().setStatus(1)
                    .setMessage("attached as clone " + reg.getCloneId() + " with " + tables.size() + " table(s)").build();
        });
    }

    /**
     * The access token the caller came with (read on the call's thread, where the gRPC context is):
     * a deploy by package id downloads the package with it.
     */
    private static String callerToken() {
        Caller caller = Caller.current();
        return caller == null ? null : caller.token();
    }

    private <T> Uni<T> call(Callable<T> work) {
        return calls.run(work);
    }
}
