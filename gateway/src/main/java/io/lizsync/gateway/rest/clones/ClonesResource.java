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
import io.lizsync.proto.registry.v1.ListServersRequest;
import io.lizsync.proto.registry.v1.RegistryService;
import io.lizsync.proto.registry.v1.RevokeCloneCredentialRequest;
import io.lizsync.proto.registry.v1.Server;
import io.lizsync.proto.registry.v1.ServerKind;
import io.lizsync.proto.sync.v1.CloneState;
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
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
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

    /** How far a clone is behind central, as central's exchange knows it. */
    public record Lag(Instant lastSync, long pendingToClone, long oldestPendingToCloneAgeSeconds, boolean redeployRequired) {
        static Lag of(CloneState s) {
            return s == null ? null : new Lag(Protos.time(s.getLastSync()), s.getPendingEvents(), s.getLagSeconds(),
                    s.getRedeployRequired());
        }
    }

    /** A clone. */
    public record CloneView(String id, String name, String kind, String status, Instant createdAt, Instant lastContactAt,
            String toolsVersion, String description, Lag lag) {
        static CloneView of(Server s, CloneState state) {
            return new CloneView(s.getId(), s.getName(), s.getKind().name().replace("SERVER_KIND_", "").toLowerCase(), s.getStatus().name().replace("SERVER_STATUS_", "").toLowerCase(),
                    Protos.time(s.getCreatedAt()), Protos.time(s.getLastContactAt()), Protos.text(s.getToolsVersion()),
                    Protos.text(s.getDescription()), Lag.of(state));
        }
    }

    public record TableView(String schema, String table) {
    }

    public record Tables(String cloneId, List<TableView> tables, Instant updatedAt) {
    }

    public record Revoked(String cloneId, int credentialsRevoked) {
    }

    @GET
    @Polled
    @Operation(summary = "Clones (and tiers: clones that are the central of their own) with their status and lag")
    public Uni<Page<CloneView>> list(@Valid @BeanParam PageRequest page) {
        Uni<Map<String, CloneState>> states = downstream.asCaller(review).listCloneStates(ListCloneStatesRequest.getDefaultInstance())
                .map(r -> r.getClonesList().stream().collect(Collectors.toMap(CloneState::getCloneId, Function.identity(), (a, b) -> a)));
        Uni<io.lizsync.proto.registry.v1.ListServersResponse> servers = downstream.asCaller(registry).listServers(
                ListServersRequest.newBuilder().setPageSize(page.size())
                        .setPageToken(page.token()).build());
        return Uni.combine().all().unis(servers, states).asTuple().map(t -> new Page<>(
                t.getItem1().getServersList().stream().filter(s -> s.getKind() != ServerKind.SERVER_KIND_CENTRAL)
                        .map(s -> CloneView.of(s, t.getItem2().get(s.getId()))).toList(),
                t.getItem1().getNextPageToken()));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One clone with its status and lag")
    public Uni<CloneView> get(@PathParam("id") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String id) {
        Uni<Server> server = downstream.asCaller(registry).getServer(GetServerRequest.newBuilder().setId(id).build());
        Uni<CloneState> state = downstream.asCaller(review).listCloneStates(ListCloneStatesRequest.getDefaultInstance())
                .map(r -> r.getClonesList().stream().filter(c -> c.getCloneId().equalsIgnoreCase(id)).findFirst().orElse(null));
        return Uni.combine().all().unis(server, state).asTuple().map(t -> CloneView.of(t.getItem1(), t.getItem2()));
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
