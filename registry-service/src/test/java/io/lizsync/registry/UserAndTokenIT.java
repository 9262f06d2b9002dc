package io.lizsync.registry;

import static io.lizsync.registry.RegistryTestSupport.fails;
import static io.lizsync.registry.RegistryTestSupport.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.lizsync.proto.registry.v1.AuthenticateRequest;
import io.lizsync.proto.registry.v1.AuthenticateResponse;
import io.lizsync.proto.registry.v1.CreateApiTokenRequest;
import io.lizsync.proto.registry.v1.CreateRoleRequest;
import io.lizsync.proto.registry.v1.CreateUserRequest;
import io.lizsync.proto.registry.v1.CreatedApiToken;
import io.lizsync.proto.registry.v1.GetUserForTokenRequest;
import io.lizsync.proto.registry.v1.ListApiTokensRequest;
import io.lizsync.proto.registry.v1.ListRolesRequest;
import io.lizsync.proto.registry.v1.ListUsersRequest;
import io.lizsync.proto.registry.v1.LogoutRequest;
import io.lizsync.proto.registry.v1.RegistryServiceGrpc.RegistryServiceBlockingStub;
import io.lizsync.proto.registry.v1.RevokeApiTokenRequest;
import io.lizsync.proto.registry.v1.User;
import io.lizsync.proto.registry.v1.VerifyApiTokenRequest;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.testkit.TestKeys;
import io.quarkus.grpc.GrpcClient;
import org.junit.jupiter.api.BeforeEach;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(RegistryTestResource.class)
class UserAndTokenIT {

    private static final String PASSWORD = "correct horse battery staple ü";

    @GrpcClient("registry")
    RegistryServiceBlockingStub anonymous;

    /** The registry as an administrator (a token signed with the test keys). */
    RegistryServiceBlockingStub registry;

    /** The registry as a service (the verify calls are theirs). */
    RegistryServiceBlockingStub service;

    @BeforeEach
    void asAdministrator() {
        registry = anonymous.withCallCredentials(TestKeys.get().administrator());
        service = anonymous.withCallCredentials(TestKeys.get().as("sync-service", Roles.SERVICE));
    }

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;
    @ConfigProperty(name = "quarkus.datasource.username")
    String dbUser;
    @ConfigProperty(name = "quarkus.datasource.password")
    String dbPassword;

    private User createUser(String login, String... roles) {
        return registry.createUser(CreateUserRequest.newBuilder().setLogin(login).setPassword(PASSWORD)
                .setDisplayName("Test " + login).addAllRoles(List.of(roles)).build());
    }

    private AuthenticateRequest login(String login, String password) {
        return AuthenticateRequest.newBuilder().setLogin(login).setPassword(password).build();
    }

    @Test
    void createsUserAndAuthenticates() {
        String login = unique("ann");
        User user = createUser(login, "operator", "field");
        assertEquals(login, user.getLogin());
        assertEquals(List.of("field", "operator"), user.getRolesList());

        Instant before = Instant.now();
        AuthenticateResponse session = registry.authenticate(login(login, PASSWORD));
        assertTrue(session.getToken().startsWith("lzs_"));
        assertEquals(user, session.getUser());
        long ttl = session.getExpiresAt().getSeconds() - before.getEpochSecond();
        assertTrue(ttl >= 3590 && ttl <= 3610, "default session lifetime is one hour, got " + ttl + " s");

        assertEquals(user, registry.getUserForToken(GetUserForTokenRequest.newBuilder().setToken(session.getToken()).build()));

        assertTrue(registry.logout(LogoutRequest.newBuilder().setToken(session.getToken()).build()).getEnded());
        fails(Status.Code.UNAUTHENTICATED, () -> registry.getUserForToken(
                GetUserForTokenRequest.newBuilder().setToken(session.getToken()).build()));
        assertFalse(registry.logout(LogoutRequest.newBuilder().setToken(session.getToken()).build()).getEnded());
    }

    @Test
    void wrongPasswordAndUnknownLoginAreUnauthenticatedAlike() {
        String login = unique("bob");
        createUser(login);
        var wrong = fails(Status.Code.UNAUTHENTICATED, () -> registry.authenticate(login(login, PASSWORD + "!")));
        var unknown = fails(Status.Code.UNAUTHENTICATED, () -> registry.authenticate(login(unique("nobody"), PASSWORD)));
        assertEquals(wrong.getStatus().getDescription(), unknown.getStatus().getDescription());
        assertFalse(wrong.getStatus().getDescription().contains(PASSWORD));
        fails(Status.Code.UNAUTHENTICATED, () -> registry.getUserForToken(
                GetUserForTokenRequest.newBuilder().setToken("lzs_forged").build()));
    }

    @Test
    void userRules() {
        String login = unique("carl");
        createUser(login);
        fails(Status.Code.ALREADY_EXISTS, () -> createUser(login));
        fails(Status.Code.INVALID_ARGUMENT, () -> registry.createUser(CreateUserRequest.newBuilder()
                .setLogin(unique("short")).setPassword("short").build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> createUser(unique("norole"), "no-such-role"));
    }

    @Test
    void passwordIsStoredAsPbkdf2HashOnly() throws Exception {
        String login = unique("dora");
        createUser(login);
        try (Connection c = DriverManager.getConnection(jdbcUrl, dbUser, dbPassword);
                PreparedStatement ps = c.prepareStatement("SELECT u::text AS whole_row, password_hash FROM registry.users u WHERE login = ?")) {
            ps.setString(1, login);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertTrue(rs.getString("password_hash").startsWith("pbkdf2_sha256$"));
                assertFalse(rs.getString("whole_row").contains(PASSWORD));
            }
        }
    }

    @Test
    void hostileLoginIsStoredVerbatim() {
        String login = "o'hara\"; --  Ünïcødé " + UUID.randomUUID();
        User u = createUser(login);
        assertEquals(login, u.getLogin());
        assertEquals(login, registry.authenticate(login(login, PASSWORD)).getUser().getLogin());
        assertTrue(registry.listUsers(ListUsersRequest.newBuilder().setPageSize(1000).build()).getUsersList().contains(u));
    }

    @Test
    void rolesCanBeCreatedAndListed() {
        String name = unique("surveyor");
        registry.createRole(CreateRoleRequest.newBuilder().setName(name).setDescription("field work").build());
        fails(Status.Code.ALREADY_EXISTS, () -> registry.createRole(CreateRoleRequest.newBuilder().setName(name).build()));
        var roles = registry.listRoles(ListRolesRequest.getDefaultInstance()).getRolesList();
        assertTrue(roles.stream().anyMatch(r -> r.getName().equals("administrator")));
        assertTrue(roles.stream().anyMatch(r -> r.getName().equals(name)));
    }

    @Test
    void apiTokensCreateVerifyScopeRevoke() {
        User owner = createUser(unique("script"));
        CreatedApiToken created = registry.createApiToken(CreateApiTokenRequest.newBuilder().setUserId(owner.getId())
                .setName("nightly package").addScopes("packages:*").addScopes("sync:read").build());
        assertTrue(created.getSecret().startsWith("lzt_"));
        assertEquals(List.of("packages:*", "sync:read"), created.getToken().getScopesList());
        assertFalse(created.getToken().hasExpiresAt());

        var ok = service.verifyApiToken(VerifyApiTokenRequest.newBuilder().setSecret(created.getSecret())
                .setRequiredScope("packages:write").build());
        assertEquals(owner, ok.getUser());
        service.verifyApiToken(VerifyApiTokenRequest.newBuilder().setSecret(created.getSecret()).build());
        fails(Status.Code.PERMISSION_DENIED, () -> service.verifyApiToken(VerifyApiTokenRequest.newBuilder()
                .setSecret(created.getSecret()).setRequiredScope("users:write").build()));
        fails(Status.Code.UNAUTHENTICATED, () -> service.verifyApiToken(VerifyApiTokenRequest.newBuilder()
                .setSecret(created.getSecret() + "x").build()));

        assertTrue(registry.listApiTokens(ListApiTokensRequest.newBuilder().setUserId(owner.getId()).build())
                .getTokensList().stream().anyMatch(t -> t.getId().equals(created.getToken().getId())));

        var revoked = registry.revokeApiToken(RevokeApiTokenRequest.newBuilder().setId(created.getToken().getId()).build());
        assertTrue(revoked.hasRevokedAt());
        fails(Status.Code.UNAUTHENTICATED, () -> service.verifyApiToken(VerifyApiTokenRequest.newBuilder()
                .setSecret(created.getSecret()).build()));
        assertEquals(0, registry.listApiTokens(ListApiTokensRequest.newBuilder().setUserId(owner.getId()).build()).getTokensCount());
        assertEquals(1, registry.listApiTokens(ListApiTokensRequest.newBuilder().setUserId(owner.getId())
                .setIncludeInactive(true).build()).getTokensCount());

        fails(Status.Code.NOT_FOUND, () -> registry.revokeApiToken(RevokeApiTokenRequest.newBuilder()
                .setId(UUID.randomUUID().toString()).build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> registry.createApiToken(CreateApiTokenRequest.newBuilder()
                .setUserId(owner.getId()).setName("no scope").build()));
        fails(Status.Code.NOT_FOUND, () -> registry.createApiToken(CreateApiTokenRequest.newBuilder()
                .setUserId(UUID.randomUUID().toString()).setName("orphan").addScopes("x").build()));
    }
}
