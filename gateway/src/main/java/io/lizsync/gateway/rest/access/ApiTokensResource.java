package io.lizsync.gateway.rest.access;

import io.lizsync.gateway.grpc.Downstream;
import io.lizsync.gateway.rest.Ids;
import io.lizsync.gateway.rest.Protos;
import io.lizsync.gateway.rest.paging.Polled;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.proto.registry.v1.ApiToken;
import io.lizsync.proto.registry.v1.CreateApiTokenRequest;
import io.lizsync.proto.registry.v1.ListApiTokensRequest;
import io.lizsync.proto.registry.v1.RegistryService;
import io.lizsync.proto.registry.v1.RevokeApiTokenRequest;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * API tokens for scripts ({@code Authorization: Bearer lzt_…}): the clear token is shown once, at
 * creation; the registry keeps its SHA-256. Scopes say which of its user's roles a token acts with
 * ({@code role:operator}, {@code role:*}).
 */
@Path("/api/v1/tokens")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Users, roles and API tokens")
@RolesAllowed(Roles.ADMINISTRATOR)
public class ApiTokensResource {

    @GrpcClient("registry")
    RegistryService registry;

    @Inject
    Downstream downstream;

    public record TokenView(String id, String name, String userId, List<String> scopes, Instant createdAt,
            Instant expiresAt, Instant revokedAt, Instant lastUsedAt) {
        static TokenView of(ApiToken t) {
            return new TokenView(t.getId(), t.getName(), t.getUserId(), t.getScopesList(), Protos.time(t.getCreatedAt()),
                    Protos.time(t.getExpiresAt()), Protos.time(t.getRevokedAt()), Protos.time(t.getLastUsedAt()));
        }
    }

    /** The token made, with its secret: shown only in this answer. */
    public record CreatedToken(TokenView token, String secret) {
        @Override
        public String toString() {
            return "CreatedToken[" + token.id() + "]";
        }
    }

    public record NewToken(@NotNull @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String userId,
            @NotBlank @Size(max = 200) String name,
            @NotEmpty List<@NotNull @Pattern(regexp = "\\*|role:(\\*|[A-Za-z0-9._@-]{1,64})",
                    message = "must be *, role:* or role:<name>") String> scopes,
            @Min(60) @Max(31_622_400) Long ttlSeconds) {
    }

    @GET
    @Polled
    @Operation(summary = "API tokens, of one user or all; inactive (revoked, expired) ones only when asked")
    public Uni<List<TokenView>> list(@QueryParam("user") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String user,
            @QueryParam("includeInactive") boolean includeInactive) {
        return downstream.asCaller(registry).listApiTokens(ListApiTokensRequest.newBuilder().setUserId(Protos.orEmpty(user))
                .setIncludeInactive(includeInactive).build())
                .map(r -> r.getTokensList().stream().map(TokenView::of).toList());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create an API token; its secret is in this answer only")
    public Uni<Response> create(@Valid @NotNull NewToken body) {
        return downstream.asCaller(registry).createApiToken(CreateApiTokenRequest.newBuilder().setUserId(body.userId())
                .setName(body.name()).addAllScopes(body.scopes()).setTtlSeconds(body.ttlSeconds() == null ? 0 : body.ttlSeconds())
                .build())
                .map(t -> Response.status(201).entity(new CreatedToken(TokenView.of(t.getToken()), t.getSecret())).build());
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Revoke an API token")
    public Uni<TokenView> revoke(@PathParam("id") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String id) {
        return downstream.asCaller(registry).revokeApiToken(RevokeApiTokenRequest.newBuilder().setId(id).build())
                .map(TokenView::of);
    }
}
