package io.lizsync.sync.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lizsync.proto.registry.v1.GetServerRequest;
import io.lizsync.proto.registry.v1.GetServerTablesRequest;
import io.lizsync.proto.registry.v1.ListCloneCredentialsRequest;
import io.lizsync.proto.registry.v1.RegistryServiceGrpc;
import io.lizsync.proto.registry.v1.RevokeCloneCredentialRequest;
import io.lizsync.proto.sync.v1.ExchangeGrpc;
import io.lizsync.proto.sync.v1.RegisterCloneRequest;
import io.lizsync.proto.sync.v1.TableName;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * registry-service owns the clones (ADR 0013): each is registered there by redeeming a single-use
 * ticket, and central's exchange keeps only a read model of it (name, credential hash, revocation,
 * tables) written from registry's answers (the redemption, the feed of clone changes central
 * follows). The two must agree; registry wins when they do not.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CloneIdentityIT {

    static Mesh mesh;
    static ManagedChannel registryChannel;

    @BeforeAll
    static void start() throws Exception {
        mesh = Mesh.start(SyncScenariosIT.DDL, "field", ExchangeGuardsIT.TABLES, "clone-a", "clone-b");
        registryChannel = ManagedChannelBuilder.forAddress("127.0.0.1", mesh.registry.port).usePlaintext().build();
    }

    @AfterAll
    static void stop() {
        if (registryChannel != null) {
            registryChannel.shutdownNow();
        }
        if (mesh != null) {
            mesh.close();
        }
    }

    @Test
    @Order(1)
    void theReadModelAgreesWithTheRegistry() throws Exception {
        for (String clone : List.of("clone-a", "clone-b")) {
            assertAgree(clone, false);
        }
    }

    @Test
    @Order(2)
    void aTamperedReadModelIsBroughtBackToTheRegistrysTruthAtTheNextFullRead() throws Exception {
        String id = mesh.cloneId("clone-a");
        mesh.sql("central", "UPDATE lizsync.clone_state SET clone_name = 'someone else' WHERE clone_id = '" + id + "'",
                "DELETE FROM lizsync.synchronized_tables WHERE server_id = '" + id + "' AND table_name = 'note'",
                "INSERT INTO lizsync.synchronized_tables VALUES ('" + id + "', 'field', 'not_a_table')");
        // central reads every clone from registry at start (and every lizsync.sync.registry.full-read-interval)
        mesh.central.restart(Map.of());
        eventually(() -> assertAgree("clone-a", false));
        mesh.sql("central", "INSERT INTO field.note (body) VALUES ('read model repaired')");
        mesh.sync("clone-a");
        assertEquals("1", mesh.one("clone-a", "SELECT count(*) FROM field.note WHERE body = 'read model repaired'"),
                "the table the read model had lost is exchanged again");
        mesh.sync("clone-b");
        mesh.assertConverged();
    }

    @Test
    @Order(3)
    void aTicketThatCannotRegisterIsNotSpent() throws Exception {
        var exchange = ExchangeGrpc.newBlockingStub(mesh.channel(mesh.central.port));
        String ticket = RegistryProcess.ticket(mesh.registry, "clone-c", ExchangeGuardsIT.TABLES);
        String id = UUID.randomUUID().toString();
        // A table central has not prepared: refused by central before the ticket reaches registry.
        var unprepared = request(id, ticket, List.<String[]>of(new String[] {"field", "parcel"},
                new String[] {"public", "spatial_ref_sys"}));
        var e = assertThrows(StatusRuntimeException.class, () -> exchange.registerClone(unprepared));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode(), e.getStatus().toString());
        // Other tables than the ticket's: refused by registry, the ticket kept.
        var fewer = request(id, ticket, List.<String[]>of(new String[] {"field", "parcel"}));
        e = assertThrows(StatusRuntimeException.class, () -> exchange.registerClone(fewer));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode(), e.getStatus().toString());
        assertEquals("0", mesh.one("central", "SELECT count(*) FROM lizsync.clone_state WHERE clone_id = '" + id + "'"));
        // The ticket's own tables: registered, once.
        var right = request(id, ticket, ExchangeGuardsIT.TABLES);
        assertEquals(id, exchange.registerClone(right).getCloneId());
        e = assertThrows(StatusRuntimeException.class, () -> exchange.registerClone(right));
        assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode(), e.getStatus().toString());
        assertTrue(!e.getStatus().getDescription().contains(ticket), "a ticket never appears in an error");
        // A ticket for a new clone cannot take over an existing one.
        var takeover = request(mesh.cloneId("clone-b"),
                RegistryProcess.ticket(mesh.registry, "intruder", ExchangeGuardsIT.TABLES), ExchangeGuardsIT.TABLES);
        e = assertThrows(StatusRuntimeException.class, () -> exchange.registerClone(takeover));
        assertTrue(e.getStatus().getCode() != Status.Code.OK, e.getStatus().toString());
        mesh.sync("clone-b");
        assertAgree("clone-b", false);
    }

    @Test
    @Order(4)
    void aCloneRevokedAtTheRegistryIsRefusedAndTheReadModelSaysSo() throws Exception {
        registry().revokeCloneCredential(RevokeCloneCredentialRequest.newBuilder()
                .setServerId(mesh.cloneId("clone-b")).build());
        // central follows registry's clone changes every lizsync.sync.registry.feed-interval (2 s)
        eventually(() -> assertAgree("clone-b", true));
        var e = assertThrows(StatusRuntimeException.class, () -> mesh.sync("clone-b"));
        assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode(), e.getStatus().toString());
        assertTrue(e.getStatus().getDescription().contains("revoked"), e.getStatus().getDescription());
        mesh.sync("clone-a");
    }

    // ------------------------------------------------------------------ helpers

    /** Retries {@code check} for up to 15 s (central follows registry every 2 s). */
    static void eventually(ThrowingCheck check) throws Exception {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(15).toNanos();
        while (true) {
            try {
                check.run();
                return;
            } catch (AssertionError | Exception e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(250);
            }
        }
    }

    interface ThrowingCheck {
        void run() throws Exception;
    }

    private static RegisterCloneRequest request(String id, String ticket, List<String[]> tables) {
        var r = RegisterCloneRequest.newBuilder().setCloneId(id).setRegistrationTicket(ticket);
        tables.forEach(t -> r.addTables(TableName.newBuilder().setSchemaName(t[0]).setTableName(t[1])));
        return r.build();
    }

    private static RegistryServiceGrpc.RegistryServiceBlockingStub registry() {
        return RegistryProcess.admin(registryChannel);
    }

    /** registry's clone and the exchange's read model of it say the same. */
    private static void assertAgree(String clone, boolean revoked) throws Exception {
        String id = mesh.cloneId(clone);
        var server = registry().getServer(GetServerRequest.newBuilder().setId(id).build());
        assertEquals(server.getName(), mesh.one("central", "SELECT clone_name FROM lizsync.clone_state WHERE clone_id = '"
                + id + "'"), "name of " + clone);
        List<String> registryTables = new ArrayList<>();
        registry().getServerTables(GetServerTablesRequest.newBuilder().setServerId(id).build()).getTablesList()
                .forEach(t -> registryTables.add(t.getSchemaName() + "." + t.getTableName()));
        assertEquals(String.join(",", registryTables), mesh.one("central", "SELECT string_agg(schema_name || '.' ||"
                + " table_name, ',' ORDER BY schema_name, table_name) FROM lizsync.synchronized_tables WHERE server_id = '"
                + id + "'"), "tables of " + clone);
        var live = registry().listCloneCredentials(ListCloneCredentialsRequest.newBuilder().setServerId(id).build())
                .getCredentialsList();
        assertEquals(revoked ? 0 : 1, live.size(), "live credentials of " + clone + " at registry");
        assertEquals(Boolean.toString(revoked), mesh.one("central", "SELECT (credential_revoked_at IS NOT NULL)::text"
                + " FROM lizsync.clone_state WHERE clone_id = '" + id + "'"), "revocation of " + clone);
        String secret = mesh.credential(clone).substring(id.length() + 1);
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(secret.getBytes(StandardCharsets.UTF_8))), mesh.one("central", "SELECT credential_hash FROM"
                + " lizsync.clone_state WHERE clone_id = '" + id + "'"), "the credential the sidecar holds, hashed");
    }
}
