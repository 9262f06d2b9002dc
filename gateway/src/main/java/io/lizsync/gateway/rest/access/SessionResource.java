package io.lizsync.gateway.rest.access;

import io.lizsync.gateway.auth.Credential;
import io.lizsync.gateway.auth.CredentialExchange;
import io.lizsync.gateway.auth.Csrf;
import io.lizsync.gateway.auth.GatewayIdentityProvider;
import io.lizsync.gateway.auth.SessionCookies;
import io.lizsync.gateway.grpc.Downstream;
import io.lizsync.gateway.rest.Protos;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.proto.registry.v1.AuthenticateRequest;
import io.lizsync.proto.registry.v1.LogoutRequest;
import io.lizsync.proto.registry.v1.RegistryService;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Login sessions for browsers and apps: the session token travels in an HttpOnly, SameSite=Strict
 * cookie; writes made with it carry the CSRF token the login answer gives ({@link Csrf}).
 * Scripts use API tokens instead ({@code Authorization: Bearer lzt_…}, see /api/v1/tokens).
 */
@Path("/api/v1/session")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Session")
public class SessionResource {

    @GrpcClient("registry")
    RegistryService registry;

    @Inject
    Downstream downstream;

    @Inject
    SecurityIdentity identity;

    @Inject
    CredentialExchange exchange;

    /** Body of a login. */
    public record Login(@NotBlank @Size(max = 200) String login, @NotNull @Size(min = 1, max = 1024) String password,
            @Min(60) @Max(2_592_000) Integer ttlSeconds) {
        @Override
        public String toString() {
            return "Login[" + login + "]";
        }
    }

    /** An open session: who, until when, and the CSRF token its cookie-authenticated writes must carry. */
    public record SessionView(UserView user, Instant expiresAt, String csrfToken) {
    }

    @POST
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Log in: sets the session cookie (HttpOnly, SameSite=Strict) and answers the CSRF token")
    public Uni<Response> login(@Valid @NotNull Login body, @Context UriInfo uri) {
        boolean secure = "https".equals(uri.getRequestUri().getScheme());
        return registry.authenticate(AuthenticateRequest.newBuilder().setLogin(body.login()).setPassword(body.password())
                .setTtlSeconds(body.ttlSeconds() == null ? 0 : body.ttlSeconds()).build())
                .map(r -> {
                    Instant expires = Protos.time(r.getExpiresAt());
                    Duration ttl = Duration.between(Instant.now(), expires);
                    return Response.ok(new SessionView(UserView.of(r.getUser()), expires, Csrf.tokenFor(r.getToken())))
                            .cookie(SessionCookies.open(r.getToken(), ttl, secure)).build();
                });
    }

    @GET
    @RolesAllowed({Roles.ADMINISTRATOR, Roles.OPERATOR, Roles.FIELD})
    @Operation(summary = "Who the caller is: login and roles")
    public Me me() {
        var caller = downstream.caller();
        return new Me(caller.subject(), caller.login(), List.copyOf(new java.util.TreeSet<>(caller.roles())), caller.expiresAt());
    }

    /** The caller as its credential says. */
    public record Me(String id, String login, List<String> roles, Instant accessExpiresAt) {
    }

    /** An access token of the caller, for the services a client calls directly (a clone's sidecar over gRPC). */
    public record AccessTokenView(String accessToken, Instant expiresAt) {
        @Override
        public String toString() {
            return "AccessTokenView[until " + expiresAt + "]";
        }
    }

    @POST
    @Path("/access-token")
    @RolesAllowed({Roles.ADMINISTRATOR, Roles.OPERATOR, Roles.FIELD})
    @Operation(summary = "The caller's short-lived access token (the roles it already has, minutes), for calling a "
            + "clone's sidecar directly over gRPC")
    public AccessTokenView accessToken() {
        var caller = downstream.caller();
        return new AccessTokenView(caller.token(), caller.expiresAt());
    }

    @DELETE
    @RolesAllowed({Roles.ADMINISTRATOR, Roles.OPERATOR, Roles.FIELD})
    @Operation(summary = "Log out: closes the session (cookie or bearer session token) and clears the cookies")
    public Uni<Response> logout(@Context UriInfo uri) {
        Credential credential = identity.getAttribute(GatewayIdentityProvider.CREDENTIAL);
        boolean secure = "https".equals(uri.getRequestUri().getScheme());
        Response cleared = Response.noContent().cookie(SessionCookies.close(secure)).build();
        if (credential == null || credential.kind() != Credential.Kind.SESSION) {
            return Uni.createFrom().item(cleared);
        }
        exchange.forget(credential.secret());
        return registry.logout(LogoutRequest.newBuilder().setToken(credential.secret()).build()).map(r -> cleared);
    }
}
