package io.lizsync.gateway.rest.review;

import io.lizsync.gateway.grpc.Downstream;
import io.lizsync.gateway.rest.Ids;
import io.lizsync.gateway.rest.Protos;
import io.lizsync.gateway.rest.paging.Page;
import io.lizsync.gateway.rest.paging.PageRequest;
import io.lizsync.gateway.rest.paging.Polled;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.proto.sync.v1.HistoryItem;
import io.lizsync.proto.sync.v1.ListHistoryRequest;
import io.lizsync.proto.sync.v1.SyncReview;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Central's sync history (lizsync.history): every sync session, package and deploy. */
@Path("/api/v1/sync/history")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Sync history and conflicts")
public class HistoryResource {

    @GrpcClient("sync")
    SyncReview review;

    @Inject
    Downstream downstream;

    /** One history item; {@code sessionDurationMs} null when no sync job recorded its session. */
    public record HistoryView(String syncId, Instant syncTime, String serverFrom, List<String> serverTo, String syncType,
            String syncStatus, long changeCount, long conflictCount, long clockOffsetMs, long clockUncertaintyMs,
            Long sessionDurationMs) {
        static HistoryView of(HistoryItem h) {
            return new HistoryView(h.getSyncId(), Protos.time(h.getSyncTime()), h.getServerFrom(), h.getServerToList(),
                    h.getSyncType(), h.getSyncStatus(), h.getChangeCount(), h.getConflictCount(), h.getClockOffsetMs(),
                    h.getClockUncertaintyMs(), h.hasSessionDurationMs() ? h.getSessionDurationMs() : null);
        }
    }

    @GET
    @Polled
    @RolesAllowed({Roles.ADMINISTRATOR, Roles.OPERATOR})
    @Operation(summary = "Sync history, newest first: optionally of one clone, one direction (to_central: what clones "
            + "sent; to_clone: pulls and packages), a time range [since, until)")
    public Uni<Page<HistoryView>> list(@QueryParam("clone") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String clone,
            @QueryParam("direction") @Pattern(regexp = "to_central|to_clone", message = "must be to_central or to_clone") String direction,
            @QueryParam("since") String since, @QueryParam("until") String until, @Valid @BeanParam PageRequest page) {
        var req = ListHistoryRequest.newBuilder().setServerId(Protos.orEmpty(clone)).setDirection(Protos.orEmpty(direction))
                .setLimit(page.size()).setPageToken(page.token());
        if (since != null) {
            req.setSince(Protos.timestamp(Protos.instant("since", since)));
        }
        if (until != null) {
            req.setUntil(Protos.timestamp(Protos.instant("until", until)));
        }
        return downstream.asCaller(review).listHistory(req.build())
                .map(r -> new Page<>(r.getItemsList().stream().map(HistoryView::of).toList(), r.getNextPageToken()));
    }
}
