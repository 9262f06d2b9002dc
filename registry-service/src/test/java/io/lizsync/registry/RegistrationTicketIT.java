package io.lizsync.registry;

import static io.lizsync.registry.RegistryTestSupport.PARCELS;
import static io.lizsync.registry.RegistryTestSupport.central;
import static io.lizsync.registry.RegistryTestSupport.fails;
import static io.lizsync.registry.RegistryTestSupport.redemption;
import static io.lizsync.registry.RegistryTestSupport.registerByTicket;
import static io.lizsync.registry.RegistryTestSupport.table;
import static io.lizsync.registry.RegistryTestSupport.ticket;
import static io.lizsync.registry.RegistryTestSupport.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.proto.registry.v1.GetServerRequest;
import io.lizsync.proto.registry.v1.IssueRegistrationTicketRequest;
import io.lizsync.proto.registry.v1.MutinyRegistryServiceGrpc;
import io.lizsync.proto.registry.v1.RedeemedRegistration;
import io.lizsync.proto.registry.v1.RegistrationTicket;
import io.lizsync.proto.registry.v1.RegistryServiceGrpc.RegistryServiceBlockingStub;
import io.lizsync.proto.registry.v1.Server;
import io.lizsync.proto.registry.v1.ServerKind;
import io.lizsync.proto.registry.v1.ServerStatus;
import io.lizsync.proto.registry.v1.TableRef;
import io.lizsync.proto.registry.v1.VerifyCloneCredentialRequest;
import io.lizsync.testkit.TestKeys;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;

/** Registration tickets: issued by an administrator or operator, redeemed once by central's exchange. */
@QuarkusTest
@WithTestResource(RegistryTestResource.class)
class RegistrationTicketIT {

    private static final String REFUSED = "unknown, used or expired registration ticket";
    private static final TableRef TREES = table("gis", "Trees é");

    @GrpcClient("registry")
    RegistryServiceBlockingStub anonymous;
    @GrpcClient("registry")
    MutinyRegistryServiceGrpc.MutinyRegistryServiceStub anonymousAsync;

    RegistryServiceBlockingStub operator;
    RegistryServiceBlockingStub service;
    /** Registers the central server when no test before did (RegisterServer is an administrator's). */
    RegistryServiceBlockingStub administrator;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;
    @ConfigProperty(name = "quarkus.datasource.username")
    String dbUser;
    @ConfigProperty(name = "quarkus.datasource.password")
    String dbPassword;

    @BeforeEach
    void credentials() {
        operator = anonymous.withCallCredentials(TestKeys.get().as("test-operator", Roles.OPERATOR));
        service = anonymous.withCallCredentials(TestKeys.get().as("sync-service", Roles.SERVICE));
        administrator = anonymous.withCallCredentials(TestKeys.get().administrator());
    }

    private IssueRegistrationTicketRequest.Builder request(String name) {
        return IssueRegistrationTicketRequest.newBuilder().setCloneName(name).addTables(PARCELS);
    }

    @Test
    void aTicketRegistersACloneWithItsTablesAndACredential() throws Exception {
        String name = unique("field-clone");
        String packageId = UUID.randomUUID().toString();
        String historyId = UUID.randomUUID().toString();
        Instant before = Instant.now();
        RegistrationTicket t = operator.issueRegistrationTicket(request(name).addTables(TREES)
                .setPackageId(packageId).setPackageHistorySyncId(historyId).build());
        assertTrue(t.getTicket().matches("lzr_[A-Za-z0-9_-]{43}"), "ticket format");
        long lifetime = t.getExpiresAt().getSeconds() - before.getEpochSecond();
        assertTrue(lifetime >= 86390 && lifetime <= 86410, "a day by default, got " + lifetime);
        assertEquals(List.of(TREES, PARCELS), t.getTablesList()); // by code point: 'T' < 'p'
        assertEquals("", t.getCloneId());
        assertEquals(packageId, t.getPackageId());

        String cloneId = UUID.randomUUID().toString();
        RedeemedRegistration r = service.redeemRegistrationTicket(redemption(administrator, t, cloneId)
                .clearTables().addTables(TREES).addTables(PARCELS).build()); // a set: order does not matter
        Server clone = r.getServer();
        assertEquals(cloneId, clone.getId());
        assertEquals(name, clone.getName());
        assertEquals(ServerKind.SERVER_KIND_CLONE, clone.getKind());
        assertEquals(ServerStatus.SERVER_STATUS_ACTIVE, clone.getStatus());
        assertEquals(central(administrator).getId(), clone.getParentId());
        assertEquals(t.getTablesList(), r.getTablesList());
        assertEquals(historyId, r.getPackageHistorySyncId());
        assertTrue(r.getSecret().matches("lzc_[A-Za-z0-9_-]{43}"));

        var verified = service.verifyCloneCredential(VerifyCloneCredentialRequest.newBuilder()
                .setServerId(cloneId).setSecret(r.getSecret()).build());
        assertEquals(r.getCredentialId(), verified.getCredentialId());
        assertEquals(t.getTablesList(), verified.getTablesList());
        assertEquals(name, verified.getServer().getName());
        assertEquals("test-operator redeemed for " + cloneId, ticketRecord(t.getTicketId()));
    }

    /** Who issued a ticket and which server redeemed it, as the table says. */
    private String ticketRecord(String ticketId) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl, dbUser, dbPassword);
                PreparedStatement ps = c.prepareStatement("SELECT issued_by || ' redeemed for ' || redeemed_server_id"
                        + " FROM registry.registration_tickets WHERE id = ?::uuid AND redeemed_at IS NOT NULL")) {
            ps.setString(1, ticketId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    @Test
    void aTicketIsUsedOnce() {
        RegistrationTicket t = ticket(operator, unique("once"), PARCELS);
        service.redeemRegistrationTicket(redemption(administrator, t, UUID.randomUUID().toString()).build());
        var used = fails(Status.Code.UNAUTHENTICATED, () -> service.redeemRegistrationTicket(
                redemption(administrator, t, UUID.randomUUID().toString()).build()));
        assertEquals(REFUSED, used.getStatus().getDescription());
        var unknown = fails(Status.Code.UNAUTHENTICATED, () -> service.redeemRegistrationTicket(
                redemption(administrator, t, UUID.randomUUID().toString()).setTicket(t.getTicket() + "x").build()));
        assertEquals(REFUSED, unknown.getStatus().getDescription());
    }

    @Test
    void aCheckTellsWhatATicketRegistersWithoutSpendingIt() {
        RegistrationTicket t = ticket(operator, unique("checked"), PARCELS);
        var check = io.lizsync.proto.registry.v1.CheckRegistrationTicketRequest.newBuilder().setTicket(t.getTicket())
                .build();
        for (int i = 0; i < 2; i++) {
            RegistrationTicket seen = service.checkRegistrationTicket(check);
            assertEquals(t.getTicketId(), seen.getTicketId());
            assertEquals(t.getCloneName(), seen.getCloneName());
            assertEquals("", seen.getTicket(), "a check never answers the secret");
        }
        fails(Status.Code.PERMISSION_DENIED, () -> operator.checkRegistrationTicket(check));
        service.redeemRegistrationTicket(redemption(administrator, t, UUID.randomUUID().toString()).build());
        var used = fails(Status.Code.UNAUTHENTICATED, () -> service.checkRegistrationTicket(check));
        assertEquals(REFUSED, used.getStatus().getDescription());
    }

    @Test
    void theFeedOfCloneChangesGivesEachChangedCloneWholeAndNothingTwice() {
        var everything = service.listCloneChanges(io.lizsync.proto.registry.v1.ListCloneChangesRequest.getDefaultInstance());
        String snapshot = everything.getSnapshot();
        assertTrue(everything.getClonesList().stream().noneMatch(c -> c.getServerId().equals(
                central(administrator).getId())), "the central server is not a clone");
        RegistrationTicket t = ticket(operator, unique("fed"), PARCELS);
        String id = UUID.randomUUID().toString();
        var redeemed = service.redeemRegistrationTicket(redemption(administrator, t, id).build());
        var since = service.listCloneChanges(io.lizsync.proto.registry.v1.ListCloneChangesRequest.newBuilder()
                .setAfterSnapshot(snapshot).build());
        var fed = since.getClonesList().stream().filter(c -> c.getServerId().equals(id)).findFirst().orElseThrow();
        assertTrue(fed.getExists());
        assertEquals(t.getCloneName(), fed.getName());
        assertEquals(io.lizsync.registry.service.Secrets.sha256Hex(redeemed.getSecret()), fed.getCredentialHash());
        assertEquals(List.of(PARCELS), fed.getTablesList());
        var nothing = service.listCloneChanges(io.lizsync.proto.registry.v1.ListCloneChangesRequest.newBuilder()
                .setAfterSnapshot(since.getSnapshot()).build());
        assertTrue(nothing.getClonesList().stream().noneMatch(c -> c.getServerId().equals(id)), "nothing twice");
        administrator.revokeCloneCredential(io.lizsync.proto.registry.v1.RevokeCloneCredentialRequest.newBuilder()
                .setServerId(id).build());
        var revoked = service.listCloneChanges(io.lizsync.proto.registry.v1.ListCloneChangesRequest.newBuilder()
                .setAfterSnapshot(nothing.getSnapshot()).build());
        assertEquals("", revoked.getClonesList().stream().filter(c -> c.getServerId().equals(id)).findFirst()
                .orElseThrow().getCredentialHash(), "revoked: no live credential");
        administrator.deleteServer(io.lizsync.proto.registry.v1.DeleteServerRequest.newBuilder().setId(id).build());
        var deleted = service.listCloneChanges(io.lizsync.proto.registry.v1.ListCloneChangesRequest.newBuilder()
                .setAfterSnapshot(revoked.getSnapshot()).build());
        assertFalse(deleted.getClonesList().stream().filter(c -> c.getServerId().equals(id)).findFirst().orElseThrow()
                .getExists());
        fails(Status.Code.INVALID_ARGUMENT, () -> service.listCloneChanges(io.lizsync.proto.registry.v1
                .ListCloneChangesRequest.newBuilder().setAfterSnapshot("'; DROP TABLE x; --").build()));
        fails(Status.Code.PERMISSION_DENIED, () -> operator.listCloneChanges(
                io.lizsync.proto.registry.v1.ListCloneChangesRequest.getDefaultInstance()));
    }

    @Test
    void anExpiredTicketIsRefusedLikeAnUnknownOne() throws InterruptedException {
        RegistrationTicket t = operator.issueRegistrationTicket(request(unique("late")).setValidForSeconds(1).build());
        Thread.sleep(1500);
        var late = fails(Status.Code.UNAUTHENTICATED, () -> service.redeemRegistrationTicket(
                redemption(administrator, t, UUID.randomUUID().toString()).build()));
        assertEquals(REFUSED, late.getStatus().getDescription());
    }

    @Test
    void anotherPackageOrOtherTablesAreRefusedAndTheTicketStaysValid() {
        RegistrationTicket t = operator.issueRegistrationTicket(request(unique("strict"))
                .setPackageId(UUID.randomUUID().toString()).build());
        String cloneId = UUID.randomUUID().toString();
        var pkg = fails(Status.Code.FAILED_PRECONDITION, () -> service.redeemRegistrationTicket(
                redemption(administrator, t, cloneId).setPackageId(UUID.randomUUID().toString()).build()));
        assertTrue(pkg.getStatus().getDescription().contains("package"), pkg.getStatus().getDescription());
        fails(Status.Code.FAILED_PRECONDITION, () -> service.redeemRegistrationTicket(
                redemption(administrator, t, cloneId).setPackageId("").build()));
        var extra = fails(Status.Code.FAILED_PRECONDITION, () -> service.redeemRegistrationTicket(
                redemption(administrator, t, cloneId).addTables(TREES).build()));
        assertTrue(extra.getStatus().getDescription().contains("\"Trees é\""), extra.getStatus().getDescription());
        var missing = fails(Status.Code.FAILED_PRECONDITION, () -> service.redeemRegistrationTicket(
                redemption(administrator, t, cloneId).clearTables().build()));
        assertTrue(missing.getStatus().getDescription().contains("missing \"gis\".\"parcels\""),
                missing.getStatus().getDescription());
        // none of that consumed it, nor registered anything
        fails(Status.Code.NOT_FOUND, () -> operator.getServer(GetServerRequest.newBuilder().setId(cloneId).build()));
        assertEquals(cloneId, service.redeemRegistrationTicket(redemption(administrator, t, cloneId).build()).getServer().getId());
    }

    @Test
    void aTicketForOneCloneCannotRegisterAnother() {
        Server clone = registerByTicket(operator, service, unique("named")).getServer();
        RegistrationTicket t = operator.issueRegistrationTicket(request(clone.getName()).setCloneId(clone.getId()).build());
        assertEquals(clone.getId(), t.getCloneId());
        fails(Status.Code.PERMISSION_DENIED, () -> service.redeemRegistrationTicket(
                redemption(administrator, t, UUID.randomUUID().toString()).build()));
        assertEquals(clone.getId(), service.redeemRegistrationTicket(redemption(administrator, t, clone.getId()).build())
                .getServer().getId());
    }

    @Test
    void aServiceMayOnlyAskForATicketOfAnExistingClone() {
        // central's exchange asks for the ticket of an assigned deploy (ADR 0015): a re-registration only
        Server clone = registerByTicket(operator, service, unique("assigned")).getServer();
        RegistrationTicket t = service.issueRegistrationTicket(request(clone.getName()).setCloneId(clone.getId()).build());
        assertEquals(clone.getId(), t.getCloneId());
        assertEquals(clone.getId(), service.redeemRegistrationTicket(redemption(administrator, t, clone.getId()).build())
                .getServer().getId());
        var refused = fails(Status.Code.PERMISSION_DENIED, () -> service.issueRegistrationTicket(
                request(unique("newcomer")).build()));
        assertTrue(refused.getStatus().getDescription().contains("existing clone"), refused.getStatus().getDescription());
        fails(Status.Code.NOT_FOUND, () -> service.issueRegistrationTicket(
                request(unique("ghost")).setCloneId(UUID.randomUUID().toString()).build()));
        // every other check holds for a service too: the clone's name belongs to it
        fails(Status.Code.ALREADY_EXISTS, () -> service.issueRegistrationTicket(
                request(central(administrator).getName()).setCloneId(clone.getId()).build()));
    }

    @Test
    void aTicketForANewCloneCannotTakeOverAnExistingServer() {
        Server existing = registerByTicket(operator, service, unique("taken")).getServer();
        RegistrationTicket t = ticket(operator, unique("intruder"), PARCELS);
        fails(Status.Code.ALREADY_EXISTS, () -> service.redeemRegistrationTicket(
                redemption(administrator, t, existing.getId()).build()));
        fails(Status.Code.ALREADY_EXISTS, () -> service.redeemRegistrationTicket(
                redemption(administrator, t, central(administrator).getId()).setParentId(existing.getId()).build()));
        service.redeemRegistrationTicket(redemption(administrator, t, UUID.randomUUID().toString()).build());
    }

    @Test
    void ofConcurrentRedemptionsOfOneTicketExactlyOneWins() {
        RegistrationTicket t = ticket(operator, unique("race"), PARCELS);
        var async = anonymousAsync.withCallCredentials(TestKeys.get().as("sync-service", Roles.SERVICE));
        List<Uni<String>> attempts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            attempts.add(async.redeemRegistrationTicket(redemption(administrator, t, UUID.randomUUID().toString()).build())
                    .map(r -> "OK")
                    .onFailure(StatusRuntimeException.class)
                    .recoverWithItem(e -> ((StatusRuntimeException) e).getStatus().getCode().name()));
        }
        List<String> outcomes = Uni.join().all(attempts).andCollectFailures().await().atMost(Duration.ofSeconds(60));
        assertEquals(1, outcomes.stream().filter("OK"::equals).count(), outcomes.toString());
        assertTrue(outcomes.stream().allMatch(o -> o.equals("OK") || o.equals("UNAUTHENTICATED")), outcomes.toString());
    }

    @Test
    void theParentMustBeKnownAndAParentCloneBecomesATier() {
        central(administrator);
        RegistrationTicket t = ticket(operator, unique("orphan"), PARCELS);
        String cloneId = UUID.randomUUID().toString();
        fails(Status.Code.FAILED_PRECONDITION, () -> service.redeemRegistrationTicket(
                redemption(administrator, t, cloneId).setParentId(UUID.randomUUID().toString()).build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> service.redeemRegistrationTicket(
                redemption(administrator, t, cloneId).setParentId(cloneId).build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> service.redeemRegistrationTicket(
                redemption(administrator, t, cloneId).setParentId("not-a-uuid").build()));

        Server relay = registerByTicket(operator, service, unique("relay")).getServer();
        Server child = service.redeemRegistrationTicket(redemption(administrator, t, cloneId).setParentId(relay.getId())
                .build()).getServer();
        assertEquals(relay.getId(), child.getParentId());
        assertEquals(ServerKind.SERVER_KIND_TIER,
                operator.getServer(GetServerRequest.newBuilder().setId(relay.getId()).build()).getKind());
        // the relay re-registered below its own clone would make a cycle
        RegistrationTicket back = operator.issueRegistrationTicket(request(relay.getName()).setCloneId(relay.getId()).build());
        fails(Status.Code.FAILED_PRECONDITION, () -> service.redeemRegistrationTicket(
                redemption(administrator, back, relay.getId()).setParentId(child.getId()).build()));
    }

    @Test
    void badTicketRequestsAreRefused() {
        fails(Status.Code.INVALID_ARGUMENT, () -> operator.issueRegistrationTicket(request("  ").build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> operator.issueRegistrationTicket(request(unique("x")).clearTables().build()));
        for (String reserved : List.of("public", "lizsync", "audit")) {
            fails(Status.Code.INVALID_ARGUMENT, () -> operator.issueRegistrationTicket(request(unique("x"))
                    .addTables(table(reserved, "t")).build()));
        }
        fails(Status.Code.INVALID_ARGUMENT, () -> operator.issueRegistrationTicket(request(unique("x")).setCloneId("1-2-3-4-5").build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> operator.issueRegistrationTicket(request(unique("x")).setPackageId("pkg").build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> operator.issueRegistrationTicket(request(unique("x")).setValidForSeconds(-1).build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> operator.issueRegistrationTicket(request(unique("x"))
                .setValidForSeconds(2_592_001).build()));
        operator.issueRegistrationTicket(request(unique("x")).setValidForSeconds(2_592_000).build());

        Server taken = registerByTicket(operator, service, unique("busy")).getServer();
        var dup = fails(Status.Code.ALREADY_EXISTS, () -> operator.issueRegistrationTicket(request(taken.getName()).build()));
        assertTrue(dup.getStatus().getDescription().contains(taken.getName()));
        // the name may stay with the clone the ticket names
        operator.issueRegistrationTicket(request(taken.getName()).setCloneId(taken.getId()).build());
        fails(Status.Code.UNAUTHENTICATED, () -> service.redeemRegistrationTicket(
                redemption(administrator, ticket(operator, unique("x"), PARCELS), UUID.randomUUID().toString())
                        .setTicket("").build()));
    }

    @Test
    void noTicketAndNoCredentialIsEverLogged() {
        try (LogCapture log = new LogCapture()) {
            RegistrationTicket t = ticket(operator, unique("quiet"), PARCELS);
            String cloneId = UUID.randomUUID().toString();
            fails(Status.Code.FAILED_PRECONDITION, () -> service.redeemRegistrationTicket(
                    redemption(administrator, t, cloneId).addTables(TREES).build()));
            RedeemedRegistration r = service.redeemRegistrationTicket(redemption(administrator, t, cloneId).build());
            fails(Status.Code.UNAUTHENTICATED, () -> service.redeemRegistrationTicket(redemption(administrator, t, cloneId).build()));
            service.verifyCloneCredential(VerifyCloneCredentialRequest.newBuilder().setServerId(cloneId)
                    .setSecret(r.getSecret()).build());
            assertTrue(log.size() > 0, "the capture sees the registry's log");
            assertFalse(log.linesWith(t.getTicketId()).isEmpty(), "the redemption is logged, by ticket id");
            for (String secret : List.of(t.getTicket(), r.getSecret())) {
                String body = secret.substring(4);
                assertEquals(List.of(), log.linesWith(body));
            }
        }
    }
}
