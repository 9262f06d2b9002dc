package io.lizsync.registry;

import static io.lizsync.registry.RegistryTestSupport.central;
import static io.lizsync.registry.RegistryTestSupport.registerClone;
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
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.lizsync.proto.registry.v1.DeleteServerRequest;
import io.lizsync.proto.registry.v1.IssueCloneCredentialRequest;
import io.lizsync.proto.registry.v1.IssuedCloneCredential;
import io.lizsync.proto.registry.v1.ListCloneCredentialsRequest;
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

    private IssuedCloneCredential issue(Server s, boolean keepPrevious) {
        return registry.issueCloneCredential(IssueCloneCredentialRequest.newBuilder()
                .setServerId(s.getId()).setKeepPrevious(keepPrevious).build());
    }

    private VerifyCloneCredentialRequest verifyRequest(Server s, String secret) {
        return VerifyCloneCredentialRequest.newBuilder().setServerId(s.getId()).setSecret(secret).build();
    }

    @Test
    void issueVerifyRevoke() {
        Server s = registerClone(registry, unique("cred"));
        IssuedCloneCredential issued = issue(s, false);
        assertTrue(issued.getSecret().startsWith("lzc_"));
        assertTrue(issued.getSecret().length() >= 40);
        assertFalse(issued.getCredential().hasRevokedAt());

        var ok = service.verifyCloneCredential(verifyRequest(s, issued.getSecret()));
        assertEquals(s.getId(), ok.getServer().getId());
        assertEquals(issued.getCredential().getId(), ok.getCredentialId());

        var revoked = registry.revokeCloneCredential(RevokeCloneCredentialRequest.newBuilder()
                .setServerId(s.getId()).setCredentialId(issued.getCredential().getId()).build());
        assertEquals(1, revoked.getRevoked());
        var e = fails(Status.Code.UNAUTHENTICATED, () -> service.verifyCloneCredential(verifyRequest(s, issued.getSecret())));
        assertFalse(e.getStatus().getDescription().contains(issued.getSecret()));

        // revoking again changes nothing
        assertEquals(0, registry.revokeCloneCredential(RevokeCloneCredentialRequest.newBuilder()
                .setServerId(s.getId()).setCredentialId(issued.getCredential().getId()).build()).getRevoked());
    }

    @Test
    void wrongSecretOrWrongServerFails() {
        Server a = registerClone(registry, unique("cred-a"));
        Server b = registerClone(registry, unique("cred-b"));
        IssuedCloneCredential issued = issue(a, false);
        fails(Status.Code.UNAUTHENTICATED, () -> service.verifyCloneCredential(verifyRequest(b, issued.getSecret())));
        fails(Status.Code.UNAUTHENTICATED, () -> service.verifyCloneCredential(verifyRequest(a, issued.getSecret() + "x")));
        fails(Status.Code.UNAUTHENTICATED, () -> service.verifyCloneCredential(verifyRequest(a, "")));
    }

    @Test
    void newCredentialRevokesPreviousUnlessKept() {
        Server s = registerClone(registry, unique("rotate"));
        IssuedCloneCredential first = issue(s, false);
        IssuedCloneCredential second = issue(s, true);
        service.verifyCloneCredential(verifyRequest(s, first.getSecret()));
        service.verifyCloneCredential(verifyRequest(s, second.getSecret()));
        assertEquals(2, registry.listCloneCredentials(ListCloneCredentialsRequest.newBuilder()
                .setServerId(s.getId()).build()).getCredentialsCount());

        IssuedCloneCredential third = issue(s, false);
        fails(Status.Code.UNAUTHENTICATED, () -> service.verifyCloneCredential(verifyRequest(s, first.getSecret())));
        fails(Status.Code.UNAUTHENTICATED, () -> service.verifyCloneCredential(verifyRequest(s, second.getSecret())));
        service.verifyCloneCredential(verifyRequest(s, third.getSecret()));

        var all = registry.listCloneCredentials(ListCloneCredentialsRequest.newBuilder()
                .setServerId(s.getId()).setIncludeRevoked(true).build());
        assertEquals(3, all.getCredentialsCount());

        // revoke all
        assertEquals(1, registry.revokeCloneCredential(RevokeCloneCredentialRequest.newBuilder()
                .setServerId(s.getId()).build()).getRevoked());
        fails(Status.Code.UNAUTHENTICATED, () -> service.verifyCloneCredential(verifyRequest(s, third.getSecret())));
    }

    @Test
    void disabledServerIsRefused() {
        Server s = registerClone(registry, unique("disabled"));
        IssuedCloneCredential issued = issue(s, false);
        registry.updateServerStatus(UpdateServerStatusRequest.newBuilder().setId(s.getId())
                .setStatus(ServerStatus.SERVER_STATUS_DISABLED).build());
        fails(Status.Code.PERMISSION_DENIED, () -> service.verifyCloneCredential(verifyRequest(s, issued.getSecret())));
    }

    @Test
    void centralGetsNoCredentialAndUnknownServerIsNotFound() {
        Server central = central(registry);
        fails(Status.Code.FAILED_PRECONDITION, () -> issue(central, false));
        fails(Status.Code.NOT_FOUND, () -> registry.issueCloneCredential(IssueCloneCredentialRequest.newBuilder()
                .setServerId(UUID.randomUUID().toString()).build()));
        fails(Status.Code.NOT_FOUND, () -> registry.revokeCloneCredential(RevokeCloneCredentialRequest.newBuilder()
                .setServerId(UUID.randomUUID().toString()).build()));
    }

    @Test
    void onlyTheHashIsStored() throws Exception {
        Server s = registerClone(registry, unique("hash"));
        IssuedCloneCredential issued = issue(s, false);
        try (Connection c = DriverManager.getConnection(jdbcUrl, dbUser, dbPassword);
                PreparedStatement ps = c.prepareStatement(
                        "SELECT token_hash, c::text AS whole_row FROM registry.clone_credentials c WHERE id = ?::uuid")) {
            ps.setString(1, issued.getCredential().getId());
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                String hash = rs.getString("token_hash");
                assertEquals(64, hash.length());
                assertNotEquals(issued.getSecret(), hash);
                assertFalse(rs.getString("whole_row").contains(issued.getSecret().substring(4)));
            }
        }
    }

    @Test
    void deletingAServerDropsItsCredentials() {
        Server s = registerClone(registry, unique("gone"));
        IssuedCloneCredential issued = issue(s, false);
        registry.deleteServer(DeleteServerRequest.newBuilder().setId(s.getId()).build());
        fails(Status.Code.UNAUTHENTICATED, () -> service.verifyCloneCredential(verifyRequest(s, issued.getSecret())));
    }
}
