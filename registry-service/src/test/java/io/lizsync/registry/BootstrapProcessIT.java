package io.lizsync.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.lizsync.grpckit.auth.BearerCredentials;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.proto.registry.v1.CreateUserRequest;
import io.lizsync.proto.registry.v1.GetServerRequest;
import io.lizsync.proto.registry.v1.IssueAccessTokenRequest;
import io.lizsync.proto.registry.v1.IssueRegistrationTicketRequest;
import io.lizsync.proto.registry.v1.ListApiTokensRequest;
import io.lizsync.proto.registry.v1.RedeemRegistrationTicketRequest;
import io.lizsync.proto.registry.v1.RegistryServiceGrpc;
import io.lizsync.proto.registry.v1.RegistryServiceGrpc.RegistryServiceBlockingStub;
import io.lizsync.proto.registry.v1.Server;
import io.lizsync.proto.registry.v1.ServerKind;
import io.lizsync.registry.service.Secrets;
import io.lizsync.testkit.PgCluster;
import io.lizsync.testkit.TestKeys;

/**
 * The built registry started as a deployment starts it, with the services' API token in a file
 * (LIZSYNC_REGISTRY_BOOTSTRAP_SERVICE_TOKEN_FILE): the account is made at the first start and found
 * again at the next; a malformed or unreadable file, or a login holding other roles, stops the
 * start with the reason and without the token. Also the first redemption on an empty registry,
 * which registers the central server. One fresh cluster for the class.
 */
class BootstrapProcessIT {

    private static final String TOKEN_FILE = "LIZSYNC_REGISTRY_BOOTSTRAP_SERVICE_TOKEN_FILE";
    private static PgCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = PgCluster.options("registry-boot-it").requirePassword(true).start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Path file(String content) throws Exception {
        Path file = Files.createTempFile("registry-boot-it", ".txt");
        file.toFile().deleteOnExit();
        Files.writeString(file, content + "\n");
        return file;
    }

    private static <T> T call(RegistryProcess registry, Function<RegistryServiceBlockingStub, T> work) throws Exception {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", registry.port).usePlaintext().build();
        try {
            return work.apply(RegistryServiceGrpc.newBlockingStub(channel));
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void theServicesAccountIsMadeAtTheFirstStartAndFoundAgainAtTheNext() throws Exception {
        String token = Secrets.newSecret(Secrets.API_TOKEN_PREFIX);
        Map<String, String> env = Map.of(TOKEN_FILE, file(token).toString());
        String centralId = UUID.randomUUID().toString();
        String userId;
        try (RegistryProcess registry = RegistryProcess.start("boot-first", cluster, env).awaitReady()) {
            userId = call(registry, stub -> {
                var access = stub.issueAccessToken(IssueAccessTokenRequest.newBuilder().setApiToken(token).build());
                assertEquals(List.of(Roles.SERVICE), access.getUser().getRolesList());
                // with it, central's exchange redeems a ticket; the registry knew no central: now it does
                var admin = stub.withCallCredentials(TestKeys.get().administrator());
                var ticket = admin.issueRegistrationTicket(IssueRegistrationTicketRequest.newBuilder()
                        .setCloneName("first-clone").addTables(RegistryTestSupport.PARCELS).build());
                var redeemed = stub.withCallCredentials(BearerCredentials.of(access.getToken()))
                        .redeemRegistrationTicket(RedeemRegistrationTicketRequest.newBuilder()
                                .setTicket(ticket.getTicket()).setCloneId(UUID.randomUUID().toString())
                                .addTables(RegistryTestSupport.PARCELS)
                                .setParentId(centralId).setParentName("central-hq").build());
                assertEquals(centralId, redeemed.getServer().getParentId());
                Server central = admin.getServer(GetServerRequest.newBuilder().setId(centralId).build());
                assertEquals(ServerKind.SERVER_KIND_CENTRAL, central.getKind());
                assertEquals("central-hq", central.getName());
                return access.getUser().getId();
            });
            assertTrue(registry.output().contains("services' account 'lizsync-services': API token"), registry.output());
            assertFalse(registry.output().contains(token.substring(4)), "the token is never printed");
        }
        try (RegistryProcess registry = RegistryProcess.start("boot-again", cluster, env).awaitReady()) {
            call(registry, stub -> {
                var access = stub.issueAccessToken(IssueAccessTokenRequest.newBuilder().setApiToken(token).build());
                assertEquals(userId, access.getUser().getId());
                var admin = stub.withCallCredentials(TestKeys.get().administrator());
                assertEquals(1, admin.listApiTokens(ListApiTokensRequest.newBuilder().setUserId(userId)
                        .setIncludeInactive(true).build()).getTokensCount());
                return null;
            });
            assertTrue(registry.output().contains("services' account 'lizsync-services': in place"), registry.output());
            assertFalse(registry.output().contains(token.substring(4)), "the token is never printed");
        }
    }

    @Test
    void aMalformedOrUnreadableTokenFileStopsTheStartWithoutShowingIt() throws Exception {
        String malformed = Secrets.newSecret(Secrets.API_TOKEN_PREFIX).substring(0, 40);
        try (RegistryProcess registry = RegistryProcess.start("boot-malformed", cluster,
                Map.of(TOKEN_FILE, file(malformed).toString()))) {
            assertNotEquals(0, registry.awaitExit());
            assertTrue(registry.output().contains("is not an API token"), registry.output());
            assertFalse(registry.output().contains(malformed.substring(4)), "the file's content is never printed");
        }
        Path missing = Path.of(System.getProperty("java.io.tmpdir"), "no-such-token-" + UUID.randomUUID());
        try (RegistryProcess registry = RegistryProcess.start("boot-missing", cluster,
                Map.of(TOKEN_FILE, missing.toString()))) {
            assertNotEquals(0, registry.awaitExit());
            assertTrue(registry.output().contains("cannot read the services' API token file " + missing),
                    registry.output());
        }
    }

    @Test
    void aLoginHoldingOtherRolesStopsTheStart() throws Exception {
        // a start without the file makes no services' account (nor touches lizsync-services)
        try (RegistryProcess registry = RegistryProcess.start("boot-setup", cluster, Map.of()).awaitReady()) {
            call(registry, stub -> stub.withCallCredentials(TestKeys.get().administrator())
                    .createUser(CreateUserRequest.newBuilder().setLogin("ops").setPassword("operator-password")
                            .addRoles(Roles.OPERATOR).build()));
            assertFalse(registry.output().contains("services' account"), registry.output());
        }
        Path tokenFile = file(Secrets.newSecret(Secrets.API_TOKEN_PREFIX));
        try (RegistryProcess registry = RegistryProcess.start("boot-other-roles", cluster,
                Map.of(TOKEN_FILE, tokenFile.toString(), "LIZSYNC_REGISTRY_BOOTSTRAP_SERVICE_LOGIN", "ops"))) {
            assertNotEquals(0, registry.awaitExit());
            assertTrue(registry.output().contains("the login 'ops' (lizsync.registry.bootstrap.service-login) holds"
                    + " roles besides service (operator)"), registry.output());
        }
    }
}
