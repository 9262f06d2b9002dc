package io.lizsync.gateway.ui;

import io.lizsync.gateway.grpc.Downstream;
import io.lizsync.gateway.rest.Ids;
import io.lizsync.gateway.rest.Protos;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.proto.registry.v1.CreateApiTokenRequest;
import io.lizsync.proto.registry.v1.CreateUserRequest;
import io.lizsync.proto.registry.v1.ListApiTokensRequest;
import io.lizsync.proto.registry.v1.ListUsersRequest;
import io.lizsync.proto.registry.v1.RegistryService;
import io.lizsync.proto.registry.v1.RevokeApiTokenRequest;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.qute.TemplateData;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Users and API tokens ({@code /ui/users}, administrators): list and create users, list, create
 * and revoke API tokens; a new token's secret is shown once, in the answer to its creation (never
 * in an address, never stored by the gateway).
 */
@Path("/ui/users")
@RolesAllowed(Roles.ADMINISTRATOR)
public class UsersPage {

    static final String LOGIN = "[A-Za-z0-9._@-]{1,64}";
    static final List<String> ROLES = List.of(Roles.ADMINISTRATOR, Roles.OPERATOR, Roles.FIELD);

    @GrpcClient("registry")
    RegistryService registry;

    @Inject
    Downstream downstream;

    @Inject
    UiContext ui;

    @Inject
    UiErrors errors;

    /** A user as listed. */
    @TemplateData
    public record UserRow(String id, String login, String displayName, String email, String roles, boolean disabled,
            Moment created) {
    }

    /** An API token as listed (never its secret). */
    @TemplateData
    public record TokenRow(String id, String name, String user, String scopes, Moment created, Moment expires,
            Moment lastUsed, boolean active) {
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Uni<Response> page(@QueryParam("done") String done) {
        Chrome chrome = ui.chrome("users", "Users and API tokens");
        return render(chrome, Flash.message(done, null), null).onFailure().recoverWithItem(e -> errors.page(chrome, e));
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> createUser(@FormParam(UiContext.FIELD) String csrf, @FormParam("login") String login,
            @FormParam("password") String password, @FormParam("displayName") String displayName,
            @FormParam("email") String email, @FormParam("role") List<String> roles) {
        ui.checkCsrf(csrf);
        Chrome chrome = ui.chrome("users", "Users and API tokens");
        if (login == null || !login.matches(LOGIN) || password == null || password.length() < 12 || password.length() > 1024
                || roles == null || roles.isEmpty() || !ROLES.containsAll(roles)) {
            return Uni.createFrom().item(errors.page(chrome, new BadRequestException("A user needs a login (letters, digits, "
                    + ". _ @ -), a password of at least 12 characters and at least one role.")));
        }
        return downstream.asCaller(registry).createUser(CreateUserRequest.newBuilder().setLogin(login).setPassword(password)
                .setDisplayName(displayName == null ? "" : displayName.strip()).setEmail(email == null ? "" : email.strip())
                .addAllRoles(roles).build())
                .map(u -> Html.seeOther("/ui/users?done=user-created"))
                .onFailure().recoverWithItem(e -> errors.page(chrome, e));
    }

    @POST
    @Path("/tokens")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> createToken(@FormParam(UiContext.FIELD) String csrf, @FormParam("user") String user,
            @FormParam("name") String name, @FormParam("scope") String scope, @FormParam("days") String days) {
        ui.checkCsrf(csrf);
        Chrome chrome = ui.chrome("users", "Users and API tokens");
        long ttlDays;
        try {
            ttlDays = days == null || days.isBlank() ? 0 : Long.parseLong(days.strip());
        } catch (NumberFormatException e) {
            ttlDays = -1;
        }
        if (user == null || !user.matches(Ids.UUID) || name == null || name.isBlank() || name.length() > 200 || scope == null
                || !scope.matches("role:(\\*|[A-Za-z0-9._@-]{1,64})") || ttlDays < 0 || ttlDays > 366) {
            return Uni.createFrom().item(errors.page(chrome, new BadRequestException(
                    "A token needs a user, a name, a scope and a lifetime of 0 (the registry's default) to 366 days.")));
        }
        return downstream.asCaller(registry).createApiToken(CreateApiTokenRequest.newBuilder().setUserId(user)
                .setName(name.strip()).addScopes(scope).setTtlSeconds(ttlDays * 86_400).build())
                .flatMap(t -> render(chrome, "The token " + t.getToken().getName() + " was created: copy it now, it is not shown again.",
                        t.getSecret()))
                .onFailure().recoverWithItem(e -> errors.page(chrome, e));
    }

    @POST
    @Path("/tokens/{id}/revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> revokeToken(@PathParam("id") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String id,
            @FormParam(UiContext.FIELD) String csrf) {
        ui.checkCsrf(csrf);
        Chrome chrome = ui.chrome("users", "Users and API tokens");
        return downstream.asCaller(registry).revokeApiToken(RevokeApiTokenRequest.newBuilder().setId(id).build())
                .map(t -> Html.seeOther("/ui/users?done=token-revoked"))
                .onFailure().recoverWithItem(e -> errors.page(chrome, e));
    }

    private Uni<Response> render(Chrome chrome, String flash, String newToken) {
        Instant now = Instant.now();
        RegistryService client = downstream.asCaller(registry);
        Uni<List<io.lizsync.proto.registry.v1.User>> users = client.listUsers(ListUsersRequest.newBuilder().setPageSize(500).build())
                .map(r -> r.getUsersList());
        Uni<List<io.lizsync.proto.registry.v1.ApiToken>> tokens = client.listApiTokens(ListApiTokensRequest.newBuilder().build())
                .map(r -> r.getTokensList());
        return Uni.combine().all().unis(users, tokens).asTuple().map(t -> {
            Map<String, String> logins = new HashMap<>();
            t.getItem1().forEach(u -> logins.put(u.getId(), u.getLogin()));
            List<UserRow> userRows = t.getItem1().stream().map(u -> new UserRow(u.getId(), u.getLogin(), u.getDisplayName(),
                    u.getEmail(), String.join(", ", u.getRolesList()), u.getDisabled(), Moment.of(Protos.time(u.getCreatedAt()), now)))
                    .toList();
            List<TokenRow> tokenRows = t.getItem2().stream().map(k -> new TokenRow(k.getId(), k.getName(),
                    logins.getOrDefault(k.getUserId(), k.getUserId()), String.join(", ", k.getScopesList()),
                    Moment.of(Protos.time(k.getCreatedAt()), now), Moment.at(Protos.time(k.getExpiresAt())),
                    Moment.of(Protos.time(k.getLastUsedAt()), now), !k.hasRevokedAt())).toList();
            return Html.ok(Pages.Templates.users(chrome, userRows, tokenRows, ROLES, flash, newToken));
        });
    }
}
