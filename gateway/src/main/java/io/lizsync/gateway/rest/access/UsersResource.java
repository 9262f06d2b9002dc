package io.lizsync.gateway.rest.access;

import io.lizsync.gateway.grpc.Downstream;
import io.lizsync.gateway.rest.Protos;
import io.lizsync.gateway.rest.paging.Page;
import io.lizsync.gateway.rest.paging.PageRequest;
import io.lizsync.gateway.rest.paging.Polled;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.proto.registry.v1.CreateRoleRequest;
import io.lizsync.proto.registry.v1.CreateUserRequest;
import io.lizsync.proto.registry.v1.ListRolesRequest;
import io.lizsync.proto.registry.v1.ListUsersRequest;
import io.lizsync.proto.registry.v1.RegistryService;
import io.lizsync.proto.registry.v1.Role;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Users and roles (registry-service): administrators only. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Users, roles and API tokens")
@RolesAllowed(Roles.ADMINISTRATOR)
public class UsersResource {

    static final String NAME = "[A-Za-z0-9._@-]{1,64}";
    static final String NAME_MESSAGE = "must be 1 to 64 letters, digits or . _ @ -";

    @GrpcClient("registry")
    RegistryService registry;

    @Inject
    Downstream downstream;

    /** A new user; the password is hashed by the registry (Argon2id) and never shown again. */
    public record NewUser(@NotNull @Pattern(regexp = NAME, message = NAME_MESSAGE) String login,
            @NotNull @Size(min = 12, max = 1024, message = "must be 12 to 1024 characters") String password,
            @Size(max = 200) String displayName, @Email @Size(max = 320) String email,
            @NotEmpty List<@NotNull @Pattern(regexp = NAME, message = NAME_MESSAGE) String> roles) {
        @Override
        public String toString() {
            return "NewUser[" + login + " " + roles + "]";
        }
    }

    public record RoleView(String name, String description) {
        static RoleView of(Role r) {
            return new RoleView(r.getName(), Protos.text(r.getDescription()));
        }
    }

    public record NewRole(@NotNull @Pattern(regexp = NAME, message = NAME_MESSAGE) String name,
            @Size(max = 500) String description) {
    }

    @GET
    @Path("/users")
    @Polled
    @Operation(summary = "Users, by login")
    public Uni<Page<UserView>> users(@Valid @BeanParam PageRequest page) {
        return downstream.asCaller(registry).listUsers(ListUsersRequest.newBuilder().setPageSize(page.size())
                .setPageToken(page.token()).build())
                .map(r -> new Page<>(r.getUsersList().stream().map(UserView::of).toList(), r.getNextPageToken()));
    }

    @POST
    @Path("/users")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a user with roles")
    public Uni<Response> createUser(@Valid @NotNull NewUser body) {
        return downstream.asCaller(registry).createUser(CreateUserRequest.newBuilder().setLogin(body.login())
                .setPassword(body.password()).setDisplayName(Protos.orEmpty(body.displayName()))
                .setEmail(Protos.orEmpty(body.email())).addAllRoles(body.roles()).build())
                .map(u -> Response.status(201).entity(UserView.of(u)).build());
    }

    @GET
    @Path("/roles")
    @Polled
    @Operation(summary = "Roles")
    public Uni<List<RoleView>> roles() {
        return downstream.asCaller(registry).listRoles(ListRolesRequest.getDefaultInstance())
                .map(r -> r.getRolesList().stream().map(RoleView::of).toList());
    }

    @POST
    @Path("/roles")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a role")
    public Uni<Response> createRole(@Valid @NotNull NewRole body) {
        return downstream.asCaller(registry).createRole(CreateRoleRequest.newBuilder().setName(body.name())
                .setDescription(Protos.orEmpty(body.description())).build())
                .map(r -> Response.status(201).entity(RoleView.of(r)).build());
    }
}
