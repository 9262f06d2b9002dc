package io.lizsync.gateway.rest.clones;

import io.lizsync.gateway.grpc.Downstream;
import io.lizsync.gateway.rest.Ids;
import io.lizsync.gateway.rest.jobs.JobView;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.proto.sync.v1.RequestSyncRequest;
import io.lizsync.proto.sync.v1.SyncReview;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Requesting a clone's sync (ADR 0019): the sidecar is behind NAT and cannot be called, so central
 * queues a "clone-sync" job that the clone's next session runs as; the answer is 202 with the
 * job's Location, followed like every job (GET, server-sent events, cancel).
 */
@Path("/api/v1/clones/{id}/sync")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Clones")
@RolesAllowed({Roles.ADMINISTRATOR, Roles.OPERATOR})
public class CloneSyncResource {

    @GrpcClient("sync")
    SyncReview review;

    @Inject
    Downstream downstream;

    @POST
    @Operation(summary = "Request a sync of the clone: a job waiting for its next contact, whose session runs as it "
            + "(progress in rows both ways, then the counts); 202 with the job's Location; a request while one waits "
            + "answers that one")
    @APIResponse(responseCode = "202", description = "The sync job, queued until the clone's next contact",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JobView.class)))
    public Uni<Response> request(@PathParam("id") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String id) {
        return downstream.asCaller(review).requestSync(RequestSyncRequest.newBuilder().setCloneId(id).build())
                .map(JobView::accepted);
    }
}
