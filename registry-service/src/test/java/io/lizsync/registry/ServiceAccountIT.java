package io.lizsync.registry;

import static io.lizsync.registry.RegistryTestSupport.fails;
import static io.lizsync.registry.RegistryTestSupport.registerByTicket;
import static io.lizsync.registry.RegistryTestSupport.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.lizsync.grpckit.auth.AccessTokens;
import io.lizsync.grpckit.auth.BearerCredentials;
import io.lizsync.grpckit.auth.KeyFiles;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.proto.registry.v1.AccessToken;
import io.lizsync.proto.registry.v1.CreateUserRequest;
import io.lizsync.proto.registry.v1.IssueAccessTokenRequest;
import io.lizsync.proto.registry.v1.ListApiTokensRequest;
import io.lizsync.proto.registry.v1.ListUsersRequest;
import io.lizsync.proto.registry.v1.RegistryServiceGrpc.RegistryServiceBlockingStub;
import io.lizsync.registry.service.BootstrapServiceAccount;
import io.lizsync.testkit.TestKeys;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The services' account made at start-up from the API token file ({@code RegistryTestResource}
 * writes one, as a deployer would): the token is exchanged for access tokens of role service only;
 * making it again changes nothing; an account or token the registry cannot trust stops it.
 * {@code BootstrapProcessIT} starts the built registry with such files.
 */
@QuarkusTest
@WithTestResource(RegistryTestResource.class)
class ServiceAccountIT {

    private static final String LOGIN = "lizsync-services";

    @ConfigProperty(name = "lizsync.registry.bootstrap.service-token-file")
    Path tokenFile;

    @Inject
    BootstrapServiceAccount bootstrap;

    @GrpcClient("registry")
    RegistryServiceBlockingStub anonymous;

    RegistryServiceBlockingStub admin;

    @BeforeEach
    void asAdministrator() {
        admin = anonymous.withCallCredentials(TestKeys.get().administrator());
    }

    private String token() throws Exception {
        return Files.readAllLines(tokenFile).get(0);
    }

    private AccessToken exchange() throws Exception {
        return anonymous.issueAccessToken(IssueAccessTokenRequest.newBuilder().setApiToken(token()).build());
    }

    @Test
    void theServicesTokenIsExchangedForAccessTokensOfRoleServiceOnly() throws Exception {
        AccessToken access = exchange();
        assertEquals(LOGIN, access.getUser().getLogin());
        assertEquals(List.of(Roles.SERVICE), access.getUser().getRolesList());
        var caller = new AccessTokens.Verifier(KeyFiles.readPublic(TestKeys.get().publicKeyFile()), Clock.systemUTC())
                .verify(access.getToken());
        assertEquals(Set.of(Roles.SERVICE), caller.roles());

        var service = anonymous.withCallCredentials(BearerCredentials.of(access.getToken()));
        registerByTicket(admin, service, unique("by-the-services"));
        fails(Status.Code.PERMISSION_DENIED, () -> service.listUsers(ListUsersRequest.getDefaultInstance()));

        var tokens = admin.listApiTokens(ListApiTokensRequest.newBuilder().setUserId(access.getUser().getId())
                .setIncludeInactive(true).build()).getTokensList();
        assertEquals(1, tokens.size());
        assertEquals("services", tokens.get(0).getName());
        assertEquals(List.of("role:service"), tokens.get(0).getScopesList());
        assertFalse(tokens.get(0).hasExpiresAt());
    }

    @Test
    void makingItAgainAtTheNextStartChangesNothing() throws Throwable {
        String userId = exchange().getUser().getId();
        assertTrue(bootstrap.ensure(LOGIN, tokenFile).startsWith("in place"));
        assertTrue(bootstrap.ensure(LOGIN, tokenFile).startsWith("in place"));
        assertEquals(1, admin.listUsers(ListUsersRequest.newBuilder().setPageSize(1000).build()).getUsersList().stream()
                .filter(u -> u.getLogin().equals(LOGIN)).count());
        assertEquals(1, admin.listApiTokens(ListApiTokensRequest.newBuilder().setUserId(userId)
                .setIncludeInactive(true).build()).getTokensCount());
        assertEquals(userId, exchange().getUser().getId());
    }

    @Test
    void aLoginHoldingOtherRolesOrTheTokenOfAnotherUserIsRefused() throws Exception {
        String busy = unique("ops");
        admin.createUser(CreateUserRequest.newBuilder().setLogin(busy).setPassword("operator-password")
                .addRoles(Roles.OPERATOR).addRoles(Roles.SERVICE).build());
        var e = assertThrows(IllegalStateException.class, () -> bootstrap.ensure(busy, tokenFile));
        assertTrue(e.getMessage().contains("holds roles besides service (operator)"), e.getMessage());
        assertFalse(e.getMessage().contains(token().substring(4)));

        // the file's token already belongs to lizsync-services: another service login cannot take it
        String other = unique("svc");
        admin.createUser(CreateUserRequest.newBuilder().setLogin(other).setPassword("service-password")
                .addRoles(Roles.SERVICE).build());
        var taken = assertThrows(IllegalStateException.class, () -> bootstrap.ensure(other, tokenFile));
        assertTrue(taken.getMessage().contains("already registered"), taken.getMessage());
        assertFalse(taken.getMessage().contains(token().substring(4)));
    }

    @Test
    void aMalformedOrMissingFileIsRefusedWithoutShowingIt() throws Exception {
        String almost = token().substring(0, token().length() - 1);
        for (String content : List.of("", almost, almost + "!", token().replace("lzt_", "lzs_"), "hunter2-password")) {
            Path file = Files.createTempFile("bad-service-token", ".txt");
            try {
                Files.writeString(file, content + "\n");
                var e = assertThrows(IllegalStateException.class, () -> bootstrap.ensure(LOGIN, file));
                assertTrue(e.getMessage().contains("is not an API token"), e.getMessage());
                assertTrue(content.isEmpty() || !e.getMessage().contains(content), e.getMessage());
            } finally {
                Files.delete(file);
            }
        }
        var missing = assertThrows(IllegalStateException.class,
                () -> bootstrap.ensure(LOGIN, tokenFile.resolveSibling(unique("no-such-file"))));
        assertTrue(missing.getMessage().contains("cannot read"), missing.getMessage());
    }
}
