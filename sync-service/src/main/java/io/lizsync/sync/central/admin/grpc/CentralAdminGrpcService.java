package io.lizsync.sync.central.admin.grpc;

import io.lizsync.proto.sync.v1.CentralAdmin;
import io.lizsync.proto.sync.v1.GetToolsStatusRequest;
import io.lizsync.proto.sync.v1.InstallRequest;
import io.lizsync.proto.sync.v1.OperationResult;
import io.lizsync.proto.sync.v1.PrepareOutcome;
import io.lizsync.proto.sync.v1.PrepareRequest;
import io.lizsync.proto.sync.v1.PrepareResponse;
import io.lizsync.proto.sync.v1.SchemaRefusal;
import io.lizsync.proto.sync.v1.TablePreparation;
import io.lizsync.proto.sync.v1.ToolsStatus;
import io.lizsync.proto.sync.v1.UpgradeRequest;
import io.lizsync.sql.Preparer;
import io.lizsync.sql.ToolsInstaller;
import io.lizsync.sync.central.admin.service.ToolsAdminService;
import io.lizsync.sync.config.NodeRoles;
import io.lizsync.sync.config.SyncConfig;
import io.lizsync.sync.grpc.Calls;
import io.lizsync.sync.grpc.GrpcErrors;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import java.util.concurrent.Callable;

/** gRPC transport of the tools administration: translates and delegates, nothing more. */
@GrpcService
@Blocking
public class CentralAdminGrpcService implements CentralAdmin {

    private final ToolsAdminService service;
    private final NodeRoles roles;
    private final Calls calls;

    CentralAdminGrpcService(ToolsAdminService service, NodeRoles roles) {
        this.service = service;
        this.roles = roles;
        this.calls = Calls.of(roles, SyncConfig.Role.central, "tools administration");
    }

    @Override
    public Uni<OperationResult> install(InstallRequest request) {
        return call(() -> toProto(service.install(request.getOverrideAudit(), request.getOverrideLizsync(),
                request.getTargetVersion())));
    }

    @Override
    public Uni<OperationResult> upgrade(UpgradeRequest request) {
        return call(() -> toProto(service.upgrade(request.getRunIt())));
    }

    @Override
    public Uni<PrepareResponse> prepare(PrepareRequest request) {
        return call(() -> {
            if (request.getSchemasCount() == 0) {
                throw new IllegalArgumentException("schemas: at least one schema name is required");
            }
            var result = service.prepare(new Preparer.Request(request.getAddServerId(), request.getAddUidColumns(),
                    request.getAddAuditTriggers(), request.getSchemasList(), request.getServerName()));
            var out = PrepareResponse.newBuilder()
                    .setStatus(result.ok() ? 1 : 0)
                    .setMessage(result.message())
                    .setServerId(result.serverId());
            for (var t : result.tables()) {
                out.addTables(TablePreparation.newBuilder()
                        .setSchemaName(t.schema())
                        .setTableName(t.table())
                        .setOutcome(switch (t.outcome()) {
                            case PREPARED -> PrepareOutcome.PREPARE_OUTCOME_PREPARED;
                            case ALREADY_PREPARED -> PrepareOutcome.PREPARE_OUTCOME_ALREADY_PREPARED;
                            case REFUSED -> PrepareOutcome.PREPARE_OUTCOME_REFUSED;
                        })
                        .setUidColumnAdded(t.uidColumnAdded())
                        .setUidValuesFilled(t.uidValuesFilled())
                        .setAuditTriggerAdded(t.auditTriggerAdded())
                        .setRefusalReason(t.refusalReason() == null ? "" : t.refusalReason()));
            }
            for (var r : result.refusedSchemas()) {
                out.addRefusedSchemas(SchemaRefusal.newBuilder().setSchemaName(r.schema()).setReason(r.reason()));
            }
            return out.build();
        });
    }

    @Override
    public Uni<ToolsStatus> getToolsStatus(GetToolsStatusRequest request) {
        return Uni.createFrom().item(() -> {
            try {
                ToolsInstaller.Status s = service.status();
                return ToolsStatus.newBuilder()
                        .setInstalled(s.installed())
                        .setInstalledVersion(nz(s.installedVersion()))
                        .setLatestVersion(nz(s.latestVersion()))
                        .addAllPendingVersions(s.pendingVersions())
                        .setServerId(nz(s.serverId()))
                        .setServerName(nz(s.serverName()))
                        .setRole(roles.describe())
                        .build();
            } catch (Exception e) {
                throw GrpcErrors.toStatus(e);
            }
        });
    }

    /** Runs a central-only operation, mapping failures to gRPC status. */
    private <T> Uni<T> call(Callable<T> work) {
        return calls.run(work);
    }

    private static OperationResult toProto(ToolsInstaller.Outcome o) {
        return OperationResult.newBuilder()
                .setStatus(o.ok() ? 1 : 0)
                .setMessage(o.message())
                .setPreviousVersion(nz(o.previousVersion()))
                .setInstalledVersion(nz(o.installedVersion()))
                .addAllAppliedVersions(o.appliedVersions())
                .addAllPendingVersions(o.pendingVersions())
                .build();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
