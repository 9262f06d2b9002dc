package io.lizsync.gateway.rest;

import io.lizsync.proto.sync.v1.CentralAdmin;
import io.lizsync.proto.sync.v1.GetToolsStatusRequest;
import io.lizsync.proto.sync.v1.InstallRequest;
import io.lizsync.proto.sync.v1.PrepareRequest;
import io.lizsync.proto.sync.v1.UpgradeRequest;
import io.grpc.Metadata;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.grpc.GrpcClientUtils;
import jakarta.ws.rs.HeaderParam;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** REST face of the central tools administration (sync-service, central role). */
@Path("/api/v1/central/tools")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Central database tools")
public class CentralToolsResource {

    private static final String AUTHORIZATION = "Authorization";
    private static final Duration LONG_CALL = Duration.ofMinutes(30);

    @GrpcClient("sync")
    CentralAdmin admin;

    /**
     * The client with the REST caller's bearer access token, sent on to sync-service, which checks it
     * (the gateway authenticates no one itself yet: 6/12). Without one, sync-service answers
     * UNAUTHENTICATED: 401.
     */
    private CentralAdmin admin(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return admin;
        }
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization.strip());
        return GrpcClientUtils.attachHeaders(admin, headers);
    }

    /** Body of POST /install: the seed's OVERRIDE_AUDIT, OVERRIDE_LIZSYNC and an optional version. */
    public record InstallBody(boolean overrideAudit, boolean overrideLizsync, String targetVersion) {
    }

    /** Body of POST /upgrade: the seed's RUNIT. */
    public record UpgradeBody(boolean runIt) {
    }

    /** Body of POST /prepare; the three steps default to true. */
    public record PrepareBody(List<String> schemas, Boolean addServerId, Boolean addUidColumns,
            Boolean addAuditTriggers, String serverName) {
    }

    @GET
    @Operation(summary = "Installed tools version, pending upgrades and server id of the central database")
    public Uni<Map<String, Object>> status(@HeaderParam(AUTHORIZATION) String authorization) {
        return admin(authorization).getToolsStatus(GetToolsStatusRequest.getDefaultInstance()).map(s -> Map.of(
                "installed", s.getInstalled(), "installedVersion", s.getInstalledVersion(),
                "latestVersion", s.getLatestVersion(), "pendingVersions", s.getPendingVersionsList(),
                "serverId", s.getServerId(), "serverName", s.getServerName()));
    }

    @POST
    @Path("/install")
    @Operation(summary = "Install the audit and lizsync schemas (refused if they exist, unless overridden)")
    public Uni<Map<String, Object>> install(@HeaderParam(AUTHORIZATION) String authorization, InstallBody body) {
        InstallBody b = body == null ? new InstallBody(false, false, null) : body;
        return admin(authorization).install(InstallRequest.newBuilder().setOverrideAudit(b.overrideAudit())
                .setOverrideLizsync(b.overrideLizsync())
                .setTargetVersion(b.targetVersion() == null ? "" : b.targetVersion()).build())
                .ifNoItem().after(LONG_CALL).fail()
                .map(r -> Map.of("status", r.getStatus(), "message", r.getMessage(),
                        "installedVersion", r.getInstalledVersion(), "appliedVersions", r.getAppliedVersionsList()));
    }

    @POST
    @Path("/upgrade")
    @Operation(summary = "Apply every newer tools version (nothing without runIt)")
    public Uni<Map<String, Object>> upgrade(@HeaderParam(AUTHORIZATION) String authorization, UpgradeBody body) {
        return admin(authorization).upgrade(UpgradeRequest.newBuilder().setRunIt(body != null && body.runIt()).build())
                .map(r -> Map.of("status", r.getStatus(), "message", r.getMessage(),
                        "installedVersion", r.getInstalledVersion(), "appliedVersions", r.getAppliedVersionsList(),
                        "pendingVersions", r.getPendingVersionsList()));
    }

    @POST
    @Path("/prepare")
    @Operation(summary = "Add server id, uid columns and audit triggers to the tables of the given schemas")
    public Uni<Map<String, Object>> prepare(@HeaderParam(AUTHORIZATION) String authorization, PrepareBody body) {
        if (body == null || body.schemas() == null || body.schemas().isEmpty()) {
            throw new jakarta.ws.rs.BadRequestException("schemas: at least one schema name is required");
        }
        var req = PrepareRequest.newBuilder().addAllSchemas(body.schemas())
                .setAddServerId(body.addServerId() == null || body.addServerId())
                .setAddUidColumns(body.addUidColumns() == null || body.addUidColumns())
                .setAddAuditTriggers(body.addAuditTriggers() == null || body.addAuditTriggers())
                .setServerName(body.serverName() == null ? "" : body.serverName());
        return admin(authorization).prepare(req.build()).map(r -> Map.of("status", r.getStatus(), "message", r.getMessage(),
                "serverId", r.getServerId(),
                "tables", r.getTablesList().stream().map(t -> Map.of("schema", t.getSchemaName(),
                        "table", t.getTableName(), "outcome", t.getOutcome().name().replace("PREPARE_OUTCOME_", ""),
                        "uidColumnAdded", t.getUidColumnAdded(), "uidValuesFilled", t.getUidValuesFilled(),
                        "auditTriggerAdded", t.getAuditTriggerAdded(), "refusalReason", t.getRefusalReason())).toList(),
                "refusedSchemas", r.getRefusedSchemasList().stream()
                        .map(s -> Map.of("schema", s.getSchemaName(), "reason", s.getReason())).toList()));
    }
}
