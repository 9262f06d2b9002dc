package io.lizsync.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.UUID;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lizsync.proto.registry.v1.IssueRegistrationTicketRequest;
import io.lizsync.proto.registry.v1.ListServersRequest;
import io.lizsync.proto.registry.v1.RedeemRegistrationTicketRequest;
import io.lizsync.proto.registry.v1.RedeemedRegistration;
import io.lizsync.proto.registry.v1.RegisterServerRequest;
import io.lizsync.proto.registry.v1.RegistrationTicket;
import io.lizsync.proto.registry.v1.RegistryServiceGrpc.RegistryServiceBlockingStub;
import io.lizsync.proto.registry.v1.Server;
import io.lizsync.proto.registry.v1.ServerKind;
import io.lizsync.proto.registry.v1.TableRef;

/** Helpers shared by the registry ITs; they all use one database, so names are made unique. */
final class RegistryTestSupport {

    private RegistryTestSupport() {
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The one central server, registered by whichever test needs it first. */
    static synchronized Server central(RegistryServiceBlockingStub registry) {
        var existing = registry.listServers(ListServersRequest.newBuilder().setKind(ServerKind.SERVER_KIND_CENTRAL).build());
        if (existing.getServersCount() > 0) {
            return existing.getServers(0);
        }
        return registry.registerServer(RegisterServerRequest.newBuilder()
                .setName("central").setKind(ServerKind.SERVER_KIND_CENTRAL).setToolsVersion("1").build());
    }

    static Server registerClone(RegistryServiceBlockingStub registry, String name) {
        return registry.registerServer(RegisterServerRequest.newBuilder()
                .setName(name)
                .setKind(ServerKind.SERVER_KIND_CLONE)
                .setParentId(central(registry).getId())
                .build());
    }

    /** The table the tests' tickets give their clones unless they say otherwise. */
    static final TableRef PARCELS = table("gis", "parcels");

    static TableRef table(String schema, String name) {
        return TableRef.newBuilder().setSchemaName(schema).setTableName(name).build();
    }

    /** A ticket for a new clone named {@code name} with {@code tables} (an attach: no package). */
    static RegistrationTicket ticket(RegistryServiceBlockingStub admin, String name, TableRef... tables) {
        return admin.issueRegistrationTicket(IssueRegistrationTicketRequest.newBuilder().setCloneName(name)
                .addAllTables(List.of(tables)).build());
    }

    /** A redemption of the ticket by the clone {@code cloneId} under the central server, claiming the ticket's tables and package. */
    static RedeemRegistrationTicketRequest.Builder redemption(RegistryServiceBlockingStub admin, RegistrationTicket ticket,
            String cloneId) {
        return RedeemRegistrationTicketRequest.newBuilder()
                .setTicket(ticket.getTicket())
                .setCloneId(cloneId)
                .setPackageId(ticket.getPackageId())
                .addAllTables(ticket.getTablesList())
                .setParentId(central(admin).getId());
    }

    /** A new clone registered the only way there is: a ticket (issued by {@code admin}) redeemed (by {@code service}). */
    static RedeemedRegistration registerByTicket(RegistryServiceBlockingStub admin, RegistryServiceBlockingStub service,
            String name) {
        RegistrationTicket t = ticket(admin, name, PARCELS);
        return service.redeemRegistrationTicket(redemption(admin, t, UUID.randomUUID().toString()).build());
    }

    /** Runs a call that must fail with {@code code}; returns the failure for further checks. */
    static StatusRuntimeException fails(Status.Code code, Runnable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(code, e.getStatus().getCode(), () -> "unexpected status: " + e.getStatus());
        return e;
    }
}
