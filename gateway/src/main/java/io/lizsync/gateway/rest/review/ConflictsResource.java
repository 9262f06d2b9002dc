package io.lizsync.gateway.rest.review;

import io.lizsync.gateway.grpc.Downstream;
import io.lizsync.gateway.rest.Ids;
import io.lizsync.gateway.rest.Protos;
import io.lizsync.gateway.rest.paging.Page;
import io.lizsync.gateway.rest.paging.PageRequest;
import io.lizsync.gateway.rest.paging.Polled;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.proto.sync.v1.ChangeAction;
import io.lizsync.proto.sync.v1.Conflict;
import io.lizsync.proto.sync.v1.ListConflictsRequest;
import io.lizsync.proto.sync.v1.ResolveConflictRequest;
import io.lizsync.proto.sync.v1.SyncReview;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Conflicts central decided (or keeps pending for an administrator), both sides with their edit times. */
@Path("/api/v1/conflicts")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Sync history and conflicts")
public class ConflictsResource {

    @GrpcClient("sync")
    SyncReview review;

    @Inject
    Downstream downstream;

    /** One side of a conflict: what it did, the value (JSON text, null for a delete) and when it was edited. */
    public record Side(String action, String valueJson, Instant editedAt) {
    }

    /** A conflict. */
    public record ConflictView(long id, Instant conflictTime, String schema, String table, String uid, String field,
            String cloneId, Side central, @com.fasterxml.jackson.annotation.JsonProperty("clone") Side cloneSide, String rule, String winner, long clockUncertaintyMs,
            boolean withinClockUncertainty) {
        static ConflictView of(Conflict c) {
            return new ConflictView(c.getId(), Protos.time(c.getConflictTime()), c.getSchemaName(), c.getTableName(),
                    c.getUid(), Protos.text(c.getFieldName()), c.getCloneId(),
                    new Side(action(c.getCentralAction()), Protos.text(c.getCentralValueJson()), Protos.time(c.getCentralEditedAt())),
                    new Side(action(c.getCloneAction()), Protos.text(c.getCloneValueJson()), Protos.time(c.getCloneEditedAt())),
                    c.getRule(), c.getWinner(), c.getClockUncertaintyMs(), c.getWithinClockUncertainty());
        }

        private static String action(ChangeAction a) {
            return a == ChangeAction.CHANGE_ACTION_UNSPECIFIED ? null : a.name().replace("CHANGE_ACTION_", "").toLowerCase();
        }
    }

    /**
     * A decision: which side's value stands, or ({@code winner} "value") a value typed instead of
     * either, in the field's text form (cast to the column's type on central).
     */
    public record Resolution(
            @NotNull @Pattern(regexp = "central|clone|value", message = "must be central, clone or value") String winner,
            @jakarta.validation.constraints.Size(max = 262_144, message = "at most 256 KiB") String value) {
    }

    @GET
    @Polled
    @RolesAllowed({Roles.ADMINISTRATOR, Roles.OPERATOR})
    @Operation(summary = "Conflicts, newest first; pending=true for those waiting for a decision; of one clone; detected in [since, until)")
    public Uni<Page<ConflictView>> list(@QueryParam("clone") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String clone,
            @QueryParam("pending") boolean pending, @QueryParam("since") String since,
            @QueryParam("until") String until, @Valid @BeanParam PageRequest page) {
        var req = ListConflictsRequest.newBuilder().setCloneId(Protos.orEmpty(clone)).setPendingOnly(pending)
                .setLimit(page.size()).setPageToken(page.token());
        if (since != null) {
            req.setSince(Protos.timestamp(Protos.instant("since", since)));
        }
        if (until != null) {
            req.setUntil(Protos.timestamp(Protos.instant("until", until)));
        }
        return downstream.asCaller(review).listConflicts(req.build())
                .map(r -> new Page<>(r.getConflictsList().stream().map(ConflictView::of).toList(), r.getNextPageToken()));
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMINISTRATOR, Roles.OPERATOR})
    @Operation(summary = "One conflict with both values and edit times")
    public Uni<ConflictView> get(@PathParam("id") @Positive long id) {
        return downstream.asCaller(review).listConflicts(ListConflictsRequest.newBuilder().setConflictId(id).setLimit(1).build())
                .map(r -> r.getConflictsList().stream().filter(c -> c.getId() == id).findFirst()
                        .map(ConflictView::of).orElseThrow(() -> new NotFoundException("no conflict " + id)));
    }

    @POST
    @Path("/{id}/resolution")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMINISTRATOR, Roles.OPERATOR})
    @Operation(summary = "Decide a conflict (or override the rule's decision): keep central's or the clone's value, "
            + "or set a typed value (winner \"value\" with \"value\"; recorded as central's)")
    public Uni<ConflictView> resolve(@PathParam("id") @Positive long id, @Valid @NotNull Resolution body) {
        boolean typed = body.winner().equals("value");
        if (typed != (body.value() != null)) {
            String why = typed ? "required when winner is value" : "only with winner value";
            throw new io.lizsync.gateway.error.InvalidFieldException("value", why);
        }
        var req = ResolveConflictRequest.newBuilder().setId(id).setDecidedBy(downstream.caller().login());
        if (typed) {
            req.setWinner("central").setValue(body.value());
        } else {
            req.setWinner(body.winner());
        }
        return downstream.asCaller(review).resolveConflict(req.build()).map(ConflictView::of);
    }
}
