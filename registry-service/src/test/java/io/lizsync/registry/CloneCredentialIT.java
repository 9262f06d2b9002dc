package io.lizsync.registry;

import static io.lizsync.registry.RegistryTestSupport.central;
import static io.lizsync.registry.RegistryTestSupport.PARCELS;
import static io.lizsync.registry.RegistryTestSupport.registerByTicket;
import static io.lizsync.registry.RegistryTestSupport.redemption;
import static io.lizsync.registry.RegistryTestSupport.ticket;
import static io.lizsync.registry.RegistryTestSupport.fails;
import static io.lizsync.registry.RegistryTestSupport.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.lizsync.proto.registry.v1.DeleteServerRequest;
import io.lizsync.proto.registry.v1.IssueRegistrationTicketRequest;
import io.lizsync.proto.registry.v1.ListCloneCredentialsRequest;
import io.lizsync.proto.registry.v1.RedeemedRegistration;
import io.lizsync.proto.registry.v1.RegistrationTicket;
import io.lizsync.proto.registry.v1.RegistryServiceGrpc.RegistryServiceBlockingStub;
import io.lizsync.proto.registry.v1.RevokeCloneCredentialRequest;
import io.lizsync.proto.registry.v1.Server;
import io.lizsync.proto.registry.v1.ServerStatus;
import io.lizsync.proto.registry.v1.UpdateServerStatusRequest;
import io.lizsync.proto.registry.v1.VerifyCloneCredentialRequest;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.testkit.TestKeys;
import io.quarkus.grpc.GrpcClient;
import org.junit.jupiter.api.BeforeEach;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Clone credentials: issued by a ticket's redemption, verified with the clone's tables, revoked. */
@QuarkusTest
@WithTestResource(RegistryTestResource.class)
class CloneCredentialIT {

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

    /** A new clone and its first credential, through a ticket. */
    private RedeemedRegistration register(String name) {
        return registerByTicket(registry, service, name);
    }

    private VerifyCloneCredentialRequest verifyRequest(Server s, String secret) {
        return VerifyCloneCredentialRequest.newBuilder().setServerId(s.getId()).setSecret(secret).build();
    }

    @Test
    void issueVerifyRevoke() {
        RedeemedRegistration issued = register(unique("cred"));
        Server s = issued.getServer();
        assertTrue(issued.getSecret().startsWith("lzc_"));
        assertTrue(issued.getSecret().length() >= 40);

        var ok = service.verifyCloneCredential(verifyRequest(s, issued.getSecret()));
        assertEquals(s.getId(), ok.getServer().getId());
        assertEquals(issued.getCredentialId(), ok.getCredentialId());
        assertEquals(List.of(PARCELS), ok.getTablesList());

        var revoked = registry.revokeCloneCredential(RevokeCloneCredentialRequest.newBuilder()
                .setServerId(s.getId()).setCredentialId(issued.getCredentialId()).build());
        assertEquals(1, revoked.getRevoked());
        var e = fails(Status.Code.UNAUTHENTICATED, () -> service.verifyCloneCredential(verifyRequest(s, issued.getSecret())));
        assertFalse(e.getStatus().getDescription().contains(issued.getSecret()));

        // revoking again changes nothing
        assertEquals(0, registry.revokeCloneCredential(RevokeCloneCredentialRequest.newBuilder()
                .setServerId(s.getId()).setCredentialId(issued.getCredentialId()).build()).getRevoked());
    }

    @Test
    void wrongSecretOrWrongServerFails() {
        RedeemedRegistration a = register(unique("cred-a"));
        RedeemedRegistration b = register(unique("cred-b"));
        fails(Status.Code.UNAUTHENTICATED, () -> service.verifyCloneCredential(verifyRequest(b.getServer(), a.getSecret())));
        fails(Status.Code.UNAUTHENTICATED, () -> service.verifyCloneCredential(verifyRequest(a.getServer(), a.getSecret() + "x")));
        fails(Status.Code.UNAUTHENTICATED, () -> service.verifyCloneCredential(verifyRequest(a.getServer(), "")));
    }

    @Test
    void reRegistrationRevokesTheEarlierCredentials() {
        RedeemedRegistration first = register(unique("rotate"));
        Server s = first.getServer();
        var again = registry.issueRegistrationTicket(IssueRegistrationTicketRequest.newBuilder()
                .setCloneName(s.getName()).setCloneId(s.getId()).addTables(PARCELS).build());
        RedeemedRegistration second = service.redeemRegistrationTicket(redemption(registry, again, s.getId()).build());
        assertEquals(s.getId(), second.getServer().getId());
        fails(Status.Code.UNAUTHENTICATED, () -> service.verifyCloneCredential(verifyRequest(s, first.getSecret())));
        service.verifyCloneCredential(verifyRequest(s, second.getSecret()));
        assertEquals(1, registry.listCloneCredentials(ListCloneCredentialsRequest.newBuilder()
                .setServerId(s.getId()).build()).getCredentialsCount());
        assertEquals(2, registry.listCloneCredentials(ListCloneCredentialsRequest.newBuilder()
                .setServerId(s.getId()).setIncludeRevoked(true).build()).getCredentialsCount());

        // revoke all
        assertEquals(1, registry.revokeCloneCredential(RevokeCloneCredentialRequest.newBuilder()
                .setServerId(s.getId()).build()).getRevoked());
        fails(Status.Code.UNAUTHENTICATED, () -> service.verifyCloneCredential(verifyRequest(s, second.getSecret())));
    }

    @Test
    void disabledServerIsRefused() {
        RedeemedRegistration issued = register(unique("disabled"));
        Server s = issued.getServer();
        registry.updateServerStatus(UpdateServerStatusRequest.newBuilder().setId(s.getId())
                .setStatus(ServerStatus.SERVER_STATUS_DISABLED).build());
        fails(Status.Code.PERMISSION_DENIED, () -> service.verifyCloneCredential(verifyRequest(s, issued.getSecret())));
    }

    @Test
    void centralGetsNoTicketAndUnknownServerIsNotFound() {
        Server central = central(registry);
        fails(Status.Code.FAILED_PRECONDITION, () -> registry.issueRegistrationTicket(IssueRegistrationTicketRequest
                .newBuilder().setCloneName(central.getName()).setCloneId(central.getId()).addTables(PARCELS).build()));
        fails(Status.Code.NOT_FOUND, () -> registry.issueRegistrationTicket(IssueRegistrationTicketRequest.newBuilder()
                .setCloneName(unique("ghost")).setCloneId(UUID.randomUUID().toString()).addTables(PARCELS).build()));
        fails(Status.Code.NOT_FOUND, () -> registry.revokeCloneCredential(RevokeCloneCredentialRequest.newBuilder()
                .setServerId(UUID.randomUUID().toString()).build()));
    }

    @Test
    void onlyTheHashIsStored() throws Exception {
        RegistrationTicket ticket = ticket(registry, unique("hash"), PARCELS);
        RedeemedRegistration issued = service.redeemRegistrationTicket(
                redemption(registry, ticket, UUID.randomUUID().toString()).build());
        assertStoredAsHash("SELECT token_hash, c::text AS whole_row FROM registry.clone_credentials c WHERE id = ?::uuid",
                issued.getCredentialId(), issued.getSecret());
        assertStoredAsHash("SELECT token_hash, t::text AS whole_row FROM registry.registration_tickets t WHERE id = ?::uuid",
                ticket.getTicketId(), ticket.getTicket());
    }

    private void assertStoredAsHash(String sql, String id, String secret) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl, dbUser, dbPassword);
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                String hash = rs.getString("token_hash");
                assertEquals(64, hash.length());
                assertNotEquals(secret, hash);
                assertFalse(rs.getString("whole_row").contains(secret.substring(4)));
            }
        }
    }

    @Test
    void deletingAServerDropsItsCredentials() {
        RedeemedRegistration issued = register(unique("gone"));
        Server s = issued.getServer();
        registry.deleteServer(DeleteServerRequest.newBuilder().setId(s.getId()).build());
        fails(Status.Code.UNAUTHENTICATED, () -> service.verifyCloneCredential(verifyRequest(s, issued.getSecret())));
    }
}
