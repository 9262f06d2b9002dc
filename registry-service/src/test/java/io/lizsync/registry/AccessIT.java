package io.lizsync.registry;

import static io.lizsync.registry.RegistryTestSupport.fails;
import static io.lizsync.registry.RegistryTestSupport.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.lizsync.grpckit.auth.AccessTokens;
import io.lizsync.grpckit.auth.BearerCredentials;
import io.lizsync.grpckit.auth.Caller;
import io.lizsync.grpckit.auth.KeyFiles;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.proto.registry.v1.AuthenticateRequest;
import io.lizsync.proto.registry.v1.CreateApiTokenRequest;
import io.lizsync.proto.registry.v1.CreateUserRequest;
import io.lizsync.proto.registry.v1.IssueAccessTokenRequest;
import io.lizsync.proto.registry.v1.ListRolesRequest;
import io.lizsync.proto.registry.v1.ListUsersRequest;
import io.lizsync.proto.registry.v1.RegistryServiceGrpc;
import io.lizsync.proto.registry.v1.RegistryServiceGrpc.RegistryServiceBlockingStub;
import io.lizsync.registry.grpc.RegistryAccess;
import io.lizsync.testkit.AccessMatrix;
import io.lizsync.testkit.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Every RPC of the registry against its access table, over a real gRPC connection: without a token,
 * with a token lacking the role, with the right role; the first administrator; access tokens from
 * a password, a session and an API token; throttled logins.
 */
@QuarkusTest
@WithTestResource(RegistryTestResource.class)
class AccessIT {

    @ConfigProperty(name = "quarkus.grpc.clients.registry.port")
    int port;

    ManagedChannel channel;

    @BeforeEach
    void open() {
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    @AfterEach
    void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void everyRpcIsCheckedAgainstItsRule() {
        int checked = AccessMatrix.check(channel, RegistryAccess.policy(), RegistryServiceGrpc.getServiceDescriptor());
        assertEquals(RegistryServiceGrpc.getServiceDescriptor().getMethods().size(), checked);
    }

    @Test
    void theFirstAdministratorLogsInAndItsAccessTokenOpensAdministratorCalls() throws Exception {
        var registry = RegistryServiceGrpc.newBlockingStub(channel);
        var session = registry.authenticate(AuthenticateRequest.newBuilder().setLogin("admin")
                .setPassword(RegistryTestResource.ADMIN_PASSWORD).build());
        assertEquals(List.of(Roles.ADMINISTRATOR), session.getUser().getRolesList());
        Caller caller = new AccessTokens.Verifier(KeyFiles.readPublic(TestKeys.get().publicKeyFile()),
                Clock.systemUTC()).verify(session.getAccessToken());
        assertEquals("admin", caller.login());
        assertEquals(Set.of(Roles.ADMINISTRATOR), caller.roles());
        assertTrue(session.getAccessExpiresAt().getSeconds() < session.getExpiresAt().getSeconds(),
                "the access token lives shorter than the session");
        var admin = registry.withCallCredentials(BearerCredentials.of(session.getAccessToken()));
        assertTrue(admin.listUsers(ListUsersRequest.getDefaultInstance()).getUsersList().stream()
                .anyMatch(u -> u.getLogin().equals("admin")));
        // a session token is no access token
        fails(Status.Code.UNAUTHENTICATED, () -> registry.withCallCredentials(BearerCredentials.of(session.getToken()))
                .listUsers(ListUsersRequest.getDefaultInstance()));
    }

    @Test
    void sessionAndApiTokensAreExchangedForAccessTokensWithTheUsersRoles() {
        RegistryServiceBlockingStub admin = RegistryServiceGrpc.newBlockingStub(channel)
                .withCallCredentials(TestKeys.get().administrator());
        String login = unique("operator");
        var user = admin.createUser(CreateUserRequest.newBuilder().setLogin(login).setPassword("operator-password")
                .addRoles(Roles.OPERATOR).build());
        var anonymous = RegistryServiceGrpc.newBlockingStub(channel);
        var session = anonymous.authenticate(AuthenticateRequest.newBuilder().setLogin(login)
                .setPassword("operator-password").build());
        var fromSession = anonymous.issueAccessToken(IssueAccessTokenRequest.newBuilder()
                .setSessionToken(session.getToken()).build());
        var operator = anonymous.withCallCredentials(BearerCredentials.of(fromSession.getToken()));
        assertFalse(operator.listRoles(ListRolesRequest.getDefaultInstance()).getRolesList().isEmpty());
        fails(Status.Code.PERMISSION_DENIED, () -> operator.listUsers(ListUsersRequest.getDefaultInstance()));

        var apiToken = admin.createApiToken(CreateApiTokenRequest.newBuilder().setUserId(user.getId()).setName("script")
                .addScopes("role:operator").addScopes("sync:*").build());
        var fromApi = anonymous.issueAccessToken(IssueAccessTokenRequest.newBuilder()
                .setApiToken(apiToken.getSecret()).build());
        assertEquals(List.of(Roles.OPERATOR), fromApi.getUser().getRolesList());
        // Scopes narrow: an administrator's token scoped to role:field acts as a field user only;
        // a token whose scopes name no role gets no access token at all.
        var boss = admin.createUser(CreateUserRequest.newBuilder().setLogin(unique("boss")).setPassword("boss-password")
                .addRoles(Roles.ADMINISTRATOR).addRoles(Roles.FIELD).build());
        var narrow = admin.createApiToken(CreateApiTokenRequest.newBuilder().setUserId(boss.getId()).setName("tablet")
                .addScopes("role:field").build());
        var fieldOnly = anonymous.issueAccessToken(IssueAccessTokenRequest.newBuilder().setApiToken(narrow.getSecret()).build());
        assertEquals(List.of(Roles.FIELD), fieldOnly.getUser().getRolesList());
        fails(Status.Code.PERMISSION_DENIED, () -> anonymous.withCallCredentials(BearerCredentials.of(fieldOnly.getToken()))
                .listUsers(ListUsersRequest.getDefaultInstance()));
        var areasOnly = admin.createApiToken(CreateApiTokenRequest.newBuilder().setUserId(boss.getId()).setName("areas")
                .addScopes("packages:*").build());
        fails(Status.Code.PERMISSION_DENIED, () -> anonymous.issueAccessToken(IssueAccessTokenRequest.newBuilder()
                .setApiToken(areasOnly.getSecret()).build()));
        assertNotEquals(fromSession.getToken(), fromApi.getToken());
        fails(Status.Code.UNAUTHENTICATED, () -> anonymous.issueAccessToken(IssueAccessTokenRequest.newBuilder()
                .setApiToken("lzt_not-a-token").build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> anonymous.issueAccessToken(IssueAccessTokenRequest.getDefaultInstance()));
    }

    @Test
    void afterFiveWrongPasswordsALoginWaitsEvenWithTheRightOne() {
        RegistryServiceBlockingStub admin = RegistryServiceGrpc.newBlockingStub(channel)
                .withCallCredentials(TestKeys.get().administrator());
        String login = unique("guessed");
        admin.createUser(CreateUserRequest.newBuilder().setLogin(login).setPassword("the-right-one").build());
        var anonymous = RegistryServiceGrpc.newBlockingStub(channel);
        for (int i = 0; i < 5; i++) {
            fails(Status.Code.UNAUTHENTICATED, () -> anonymous.authenticate(AuthenticateRequest.newBuilder()
                    .setLogin(login).setPassword("guess").build()));
        }
        var refused = fails(Status.Code.RESOURCE_EXHAUSTED, () -> anonymous.authenticate(AuthenticateRequest
                .newBuilder().setLogin(login).setPassword("the-right-one").build()));
        assertTrue(refused.getStatus().getDescription().contains("try again in"), refused.getStatus().getDescription());
        // another login from the same address is not held back by this one
        assertEquals("admin", anonymous.authenticate(AuthenticateRequest.newBuilder().setLogin("admin")
                .setPassword(RegistryTestResource.ADMIN_PASSWORD).build()).getUser().getLogin());
    }
}
