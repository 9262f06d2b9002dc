package io.lizsync.gateway.rest.clones;

import io.lizsync.gateway.grpc.Downstream;
import io.lizsync.gateway.rest.Ids;
import io.lizsync.gateway.rest.Protos;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.proto.registry.v1.IssueRegistrationTicketRequest;
import io.lizsync.proto.registry.v1.RegistrationTicket;
import io.lizsync.proto.registry.v1.RegistryService;
import io.lizsync.proto.registry.v1.TableRef;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Single-use registration tickets (registry-service, ADR 0013): what a clone's sidecar redeems at
 * central to register (attach, or deploy a package: name the package and its history item). The
 * clear ticket is in this answer only.
 */
@Path("/api/v1/clones/registration-tickets")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Clones")
@RolesAllowed({Roles.ADMINISTRATOR, Roles.OPERATOR})
public class RegistrationTicketsResource {

    @GrpcClient("registry")
    RegistryService registry;

    @Inject
    Downstream downstream;

    public record Table(@NotNull @Pattern(regexp = Ids.PG_NAME, message = Ids.PG_NAME_MESSAGE) String schema,
            @NotNull @Pattern(regexp = Ids.PG_NAME, message = Ids.PG_NAME_MESSAGE) String table) {
    }

    /** For a new clone give its name; for an existing one (a redeploy) its id. */
    public record TicketRequest(@Size(max = 200) String cloneName,
            @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String cloneId,
            @Size(max = 10_000) List<@Valid @NotNull Table> tables,
            @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String packageId,
            @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String packageHistorySyncId,
            @Min(60) @Max(2_592_000) Long validForSeconds) {
    }

    /** The ticket (shown once) and what it is bound to. */
    public record Ticket(String ticket, String ticketId, Instant expiresAt, String cloneName, String cloneId,
            List<Table> tables, String packageId, String packageHistorySyncId) {
        static Ticket of(RegistrationTicket t) {
            return new Ticket(t.getTicket(), t.getTicketId(), Protos.time(t.getExpiresAt()), Protos.text(t.getCloneName()),
                    Protos.text(t.getCloneId()), t.getTablesList().stream().map(r -> new Table(r.getSchemaName(), r.getTableName()))
                            .toList(), Protos.text(t.getPackageId()), Protos.text(t.getPackageHistorySyncId()));
        }

        @Override
        public String toString() {
            return "Ticket[" + ticketId + "]";
        }
    }

    @POST
    @Operation(summary = "Issue a single-use registration ticket for a clone's attach or package deploy")
    public Uni<Response> issue(@Valid @NotNull TicketRequest body) {
        var req = IssueRegistrationTicketRequest.newBuilder().setCloneName(Protos.orEmpty(body.cloneName()))
                .setCloneId(Protos.orEmpty(body.cloneId())).setPackageId(Protos.orEmpty(body.packageId()))
                .setPackageHistorySyncId(Protos.orEmpty(body.packageHistorySyncId()))
                .setValidForSeconds(body.validForSeconds() == null ? 0 : body.validForSeconds());
        if (body.tables() != null) {
            body.tables().forEach(t -> req.addTables(TableRef.newBuilder().setSchemaName(t.schema()).setTableName(t.table())));
        }
        return downstream.asCaller(registry).issueRegistrationTicket(req.build())
                .map(t -> Response.status(201).entity(Ticket.of(t)).build());
    }
}
