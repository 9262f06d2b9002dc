package io.lizsync.gateway.rest.review;

import io.lizsync.gateway.grpc.Downstream;
import io.lizsync.gateway.rest.Ids;
import io.lizsync.gateway.rest.paging.Polled;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.proto.sync.v1.ListTablePoliciesRequest;
import io.lizsync.proto.sync.v1.SetTablePolicyRequest;
import io.lizsync.proto.sync.v1.SyncReview;
import io.lizsync.proto.sync.v1.TablePolicy;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Conflict policies per table (tables not listed: last_edit_wins). */
@Path("/api/v1/table-policies")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Sync history and conflicts")
public class TablePoliciesResource {

    static final String POLICIES = "last_edit_wins|central_wins|clone_wins|manual";

    @GrpcClient("sync")
    SyncReview review;

    @Inject
    Downstream downstream;

    public record PolicyView(String schema, String table, String policy) {
        static PolicyView of(TablePolicy p) {
            return new PolicyView(p.getSchemaName(), p.getTableName(), p.getPolicy());
        }
    }

    public record PolicyBody(@NotNull @Pattern(regexp = POLICIES, message = "must be one of " + POLICIES) String policy) {
    }

    @GET
    @Polled
    @RolesAllowed({Roles.ADMINISTRATOR, Roles.OPERATOR})
    @Operation(summary = "The explicit conflict policies, by schema and table")
    public Uni<List<PolicyView>> list() {
        return downstream.asCaller(review).listTablePolicies(ListTablePoliciesRequest.getDefaultInstance())
                .map(r -> r.getPoliciesList().stream().map(PolicyView::of)
                        .sorted(java.util.Comparator.comparing(PolicyView::schema).thenComparing(PolicyView::table)).toList());
    }

    @PUT
    @Path("/{schema}/{table}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMINISTRATOR)
    @Operation(summary = "Set a table's conflict policy")
    public Uni<PolicyView> set(@PathParam("schema") @Pattern(regexp = Ids.PG_NAME, message = Ids.PG_NAME_MESSAGE) String schema,
            @PathParam("table") @Pattern(regexp = Ids.PG_NAME, message = Ids.PG_NAME_MESSAGE) String table,
            @Valid @NotNull PolicyBody body) {
        return downstream.asCaller(review).setTablePolicy(SetTablePolicyRequest.newBuilder().setPolicy(TablePolicy.newBuilder()
                .setSchemaName(schema).setTableName(table).setPolicy(body.policy())).build()).map(PolicyView::of);
    }
}
