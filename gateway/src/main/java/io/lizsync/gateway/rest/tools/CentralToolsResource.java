package io.lizsync.gateway.rest.tools;

import io.lizsync.gateway.config.GatewayConfig;
import io.lizsync.gateway.grpc.Downstream;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.proto.sync.v1.CentralAdmin;
import io.lizsync.proto.sync.v1.GetToolsStatusRequest;
import io.lizsync.proto.sync.v1.InstallRequest;
import io.lizsync.proto.sync.v1.OperationResult;
import io.lizsync.proto.sync.v1.PrepareRequest;
import io.lizsync.proto.sync.v1.UpgradeRequest;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The seed's central database tools (sync-service, central role): status, install, upgrade, prepare. */
@Path("/api/v1/central/tools")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Central database tools")
public class CentralToolsResource {

    @GrpcClient("sync")
    CentralAdmin admin;

    @Inject
    Downstream downstream;

    @Inject
    GatewayConfig config;

    /** The seed's OVERRIDE_AUDIT, OVERRIDE_LIZSYNC and an optional version. */
    public record InstallBody(boolean overrideAudit, boolean overrideLizsync,
            @Size(max = 20) @Pattern(regexp = "[0-9.]*", message = "must be a version such as 0.6") String targetVersion) {
    }

    /** The seed's RUNIT. */
    public record UpgradeBody(boolean runIt) {
    }

    /** Schemas to prepare; the three steps default to true. */
    public record PrepareBody(@NotEmpty(message = "at least one schema name is required")
            List<@NotNull @Size(min = 1, max = 63) String> schemas,
            Boolean addServerId, Boolean addUidColumns, Boolean addAuditTriggers, @Size(max = 200) String serverName) {
    }

    public record ToolsStatus(boolean installed, String installedVersion, String latestVersion,
            List<String> pendingVersions, String serverId, String serverName) {
    }

    public record ToolsResult(int status, String message, String installedVersion, List<String> appliedVersions,
            List<String> pendingVersions) {
        static ToolsResult of(OperationResult r) {
            return new ToolsResult(r.getStatus(), r.getMessage(), r.getInstalledVersion(), r.getAppliedVersionsList(),
                    r.getPendingVersionsList());
        }
    }

    public record PreparedTable(String schema, String table, String outcome, boolean uidColumnAdded, long uidValuesFilled,
            boolean auditTriggerAdded, String refusalReason) {
    }

    public record RefusedSchema(String schema, String reason) {
    }

    public record PrepareResult(int status, String message, String serverId, List<PreparedTable> tables,
            List<RefusedSchema> refusedSchemas) {
    }

    @GET
    @RolesAllowed({Roles.ADMINISTRATOR, Roles.OPERATOR})
    @Operation(summary = "Installed tools version, pending upgrades and server id of the central database")
    public Uni<ToolsStatus> status() {
        return downstream.asCaller(admin).getToolsStatus(GetToolsStatusRequest.getDefaultInstance()).map(s -> new ToolsStatus(
                s.getInstalled(), s.getInstalledVersion(), s.getLatestVersion(), s.getPendingVersionsList(),
                s.getServerId(), s.getServerName()));
    }

    @POST
    @Path("/install")
    @RolesAllowed(Roles.ADMINISTRATOR)
    @Operation(summary = "Install the audit and lizsync schemas (refused if they exist, unless overridden)")
    public Uni<ToolsResult> install(@Valid InstallBody body) {
        InstallBody b = body == null ? new InstallBody(false, false, null) : body;
        return downstream.asCaller(admin).install(InstallRequest.newBuilder().setOverrideAudit(b.overrideAudit())
                .setOverrideLizsync(b.overrideLizsync())
                .setTargetVersion(b.targetVersion() == null ? "" : b.targetVersion()).build())
                .ifNoItem().after(config.longCallTimeout()).fail()
                .map(ToolsResult::of);
    }

    @POST
    @Path("/upgrade")
    @RolesAllowed(Roles.ADMINISTRATOR)
    @Operation(summary = "Apply every newer tools version (nothing without runIt)")
    public Uni<ToolsResult> upgrade(UpgradeBody body) {
        return downstream.asCaller(admin).upgrade(UpgradeRequest.newBuilder().setRunIt(body != null && body.runIt()).build())
                .ifNoItem().after(config.longCallTimeout()).fail()
                .map(ToolsResult::of);
    }

    @POST
    @Path("/prepare")
    @RolesAllowed(Roles.ADMINISTRATOR)
    @Operation(summary = "Add server id, uid columns and audit triggers to the tables of the given schemas")
    public Uni<PrepareResult> prepare(@Valid @NotNull PrepareBody body) {
        var req = PrepareRequest.newBuilder().addAllSchemas(body.schemas())
                .setAddServerId(body.addServerId() == null || body.addServerId())
                .setAddUidColumns(body.addUidColumns() == null || body.addUidColumns())
                .setAddAuditTriggers(body.addAuditTriggers() == null || body.addAuditTriggers())
                .setServerName(body.serverName() == null ? "" : body.serverName());
        return downstream.asCaller(admin).prepare(req.build()).ifNoItem().after(config.longCallTimeout()).fail()
                .map(r -> new PrepareResult(r.getStatus(), r.getMessage(), r.getServerId(),
                        r.getTablesList().stream().map(t -> new PreparedTable(t.getSchemaName(), t.getTableName(),
                                t.getOutcome().name().replace("PREPARE_OUTCOME_", ""), t.getUidColumnAdded(),
                                t.getUidValuesFilled(), t.getAuditTriggerAdded(), t.getRefusalReason())).toList(),
                        r.getRefusedSchemasList().stream().map(s -> new RefusedSchema(s.getSchemaName(), s.getReason())).toList()));
    }
}
