package io.lizsync.gateway.rest.clones;

import io.lizsync.gateway.grpc.Downstream;
import io.lizsync.gateway.rest.Ids;
import io.lizsync.gateway.rest.Protos;
import io.lizsync.gateway.rest.paging.Page;
import io.lizsync.gateway.rest.paging.PageRequest;
import io.lizsync.gateway.rest.paging.Polled;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.proto.registry.v1.GetServerRequest;
import io.lizsync.proto.registry.v1.GetServerTablesRequest;
import io.lizsync.proto.registry.v1.RegistryService;
import io.lizsync.proto.registry.v1.RevokeCloneCredentialRequest;
import io.lizsync.proto.registry.v1.Server;
import io.lizsync.gateway.rest.jobs.JobView;
import io.lizsync.proto.sync.v1.AssignPackageRequest;
import io.lizsync.proto.sync.v1.CloneState;
import io.lizsync.proto.sync.v1.GetCloneStateRequest;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import io.lizsync.proto.sync.v1.ListCloneStatesRequest;
import io.lizsync.proto.sync.v1.SyncReview;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Clones: who they are (registry-service, their owner) and how far behind they are (central's
 * exchange: pending changes, lag, last sync).
 */
@Path("/api/v1/clones")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Clones")
@RolesAllowed({Roles.ADMINISTRATOR, Roles.OPERATOR})
public class ClonesResource {

    @GrpcClient("registry")
    RegistryService registry;

    @GrpcClient("sync")
    SyncReview review;

    @Inject
    Downstream downstream;

    /** Changes waiting in one direction: how many, the edit time of the oldest, its age (s). */
    public record Waiting(long changes, Instant oldestEditedAt, long oldestAgeSeconds) {
    }

    /** A clone as central's exchange knows it: contact, last sync, what waits both ways, its open assignment. */
    public record CloneView(String id, String name, Instant lastContact, Instant lastSync, Waiting toClone,
            Waiting toCentral, long pendingConflicts, String toolsVersion, boolean redeployRequired, String openAssignment,
            Registration registry) {
        static CloneView of(CloneState s, Registration registration) {
            return new CloneView(s.getCloneId(), s.getName(), Protos.time(s.getLastContact()), Protos.time(s.getLastSync()),
                    new Waiting(s.getPendingEvents(), Protos.time(s.getOldestPendingAt()), s.getLagSeconds()),
                    new Waiting(s.getUnsentChanges(), Protos.time(s.getOldestUnsentAt()), s.getUnsentAgeSeconds()),
                    s.getPendingConflicts(), Protos.text(s.getToolsVersion()), s.getRedeployRequired(),
                    s.getOpenAssignmentJobId().isEmpty() ? null : "/api/v1/jobs/" + s.getOpenAssignmentJobId(), registration);
        }
    }

    /** What registry-service, the clones' owner, records (shown for one clone). */
    public record Registration(String kind, String status, Instant createdAt, Instant lastContactAt, String description) {
        static Registration of(Server s) {
            return new Registration(s.getKind().name().replace("SERVER_KIND_", "").toLowerCase(),
                    s.getStatus().name().replace("SERVER_STATUS_", "").toLowerCase(), Protos.time(s.getCreatedAt()),
                    Protos.time(s.getLastContactAt()), Protos.text(s.getDescription()));
        }
    }

    /** Deploy a package on the clone at its next contact. */
    public record AssignmentBody(@NotNull @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String packageId,
            boolean force) {
    }

    public record TableView(String schema, String table) {
    }

    public record Tables(String cloneId, List<TableView> tables, Instant updatedAt) {
    }

    public record Revoked(String cloneId, int credentialsRevoked) {
    }

    @GET
    @Polled
    @Operation(summary = "Clones by name: last contact, last sync, changes waiting both ways and the age of the oldest, conflicts "
            + "waiting for a decision, open assignment")
    public Uni<Page<CloneView>> list(@Valid @BeanParam PageRequest page) {
        return downstream.asCaller(review).listCloneStates(ListCloneStatesRequest.newBuilder().setPageSize(page.size())
                .setPageToken(page.token()).build())
                .map(r -> new Page<>(r.getClonesList().stream().map(c -> CloneView.of(c, null)).toList(), r.getNextPageToken()));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One clone: its state at central and its registration")
    public Uni<CloneView> get(@PathParam("id") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String id) {
        Uni<CloneState> state = downstream.asCaller(review).getCloneState(GetCloneStateRequest.newBuilder().setCloneId(id).build());
        Uni<Server> server = downstream.asCaller(registry).getServer(GetServerRequest.newBuilder().setId(id).build());
        return Uni.combine().all().unis(state, server).asTuple()
                .map(t -> CloneView.of(t.getItem1(), Registration.of(t.getItem2())));
    }

    @POST
    @Path("/{id}/assignment")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Deploy a package on the clone through central: its sidecar takes it at its next contact, deploys "
            + "with every check and reports; 202 with the deploy job's Location (the clone's refusal, if any, is the job's error)")
    @APIResponse(responseCode = "202", description = "The deploy job, waiting for the clone's next contact",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobView.class)))
    public Uni<Response> assign(@PathParam("id") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String id,
            @Valid @NotNull AssignmentBody body) {
        return downstream.asCaller(review).assignPackage(AssignPackageRequest.newBuilder().setCloneId(id)
                .setPackageId(body.packageId()).setForce(body.force()).build()).map(JobView::accepted);
    }

    @GET
    @Path("/{id}/tables")
    @Operation(summary = "The tables a clone synchronises")
    public Uni<Tables> tables(@PathParam("id") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String id) {
        return downstream.asCaller(registry).getServerTables(GetServerTablesRequest.newBuilder().setServerId(id).build())
                .map(t -> new Tables(t.getServerId(), t.getTablesList().stream()
                        .map(r -> new TableView(r.getSchemaName(), r.getTableName())).toList(), Protos.time(t.getUpdatedAt())));
    }

    @POST
    @Path("/{id}/revoke")
    @Operation(summary = "Revoke every credential of a clone: its next sync is refused (central follows within seconds)")
    public Uni<Revoked> revoke(@PathParam("id") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String id) {
        return downstream.asCaller(registry).revokeCloneCredential(RevokeCloneCredentialRequest.newBuilder().setServerId(id).build())
                .map(r -> new Revoked(id, r.getRevoked()));
    }
}
