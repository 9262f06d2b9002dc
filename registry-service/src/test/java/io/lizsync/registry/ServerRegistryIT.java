package io.lizsync.registry;

import static io.lizsync.registry.RegistryTestSupport.central;
import static io.lizsync.registry.RegistryTestSupport.registerClone;
import static io.lizsync.registry.RegistryTestSupport.redemption;
import static io.lizsync.registry.RegistryTestSupport.fails;
import static io.lizsync.registry.RegistryTestSupport.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.smallrye.mutiny.Uni;
import io.lizsync.proto.registry.v1.DeleteServerRequest;
import io.lizsync.proto.registry.v1.GetServerRequest;
import io.lizsync.proto.registry.v1.GetServerTablesRequest;
import io.lizsync.proto.registry.v1.IssueRegistrationTicketRequest;
import io.lizsync.proto.registry.v1.ListServersRequest;
import io.lizsync.proto.registry.v1.RegisterServerRequest;
import io.lizsync.proto.registry.v1.MutinyRegistryServiceGrpc;
import io.lizsync.proto.registry.v1.RegistryServiceGrpc.RegistryServiceBlockingStub;
import io.lizsync.proto.registry.v1.Server;
import io.lizsync.proto.registry.v1.ServerKind;
import io.lizsync.proto.registry.v1.ServerStatus;
import io.lizsync.proto.registry.v1.TableRef;
import io.lizsync.proto.registry.v1.UpdateServerStatusRequest;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.testkit.TestKeys;
import io.quarkus.grpc.GrpcClient;
import org.junit.jupiter.api.BeforeEach;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(RegistryTestResource.class)
class ServerRegistryIT {

    @GrpcClient("registry")
    RegistryServiceBlockingStub anonymous;

    /** The registry as an administrator (a token signed with the test keys). */
    RegistryServiceBlockingStub registry;

    /** The registry as a service (central's exchange redeems the tickets). */
    RegistryServiceBlockingStub service;

    @BeforeEach
    void asAdministrator() {
        registry = anonymous.withCallCredentials(TestKeys.get().administrator());
        service = anonymous.withCallCredentials(TestKeys.get().as("sync-service", Roles.SERVICE));
        asyncRegistry = anonymousAsync.withCallCredentials(TestKeys.get().administrator());
    }

    @GrpcClient("registry")
    MutinyRegistryServiceGrpc.MutinyRegistryServiceStub anonymousAsync;

    MutinyRegistryServiceGrpc.MutinyRegistryServiceStub asyncRegistry;

    @Test
    void registersListsAndGetsServers() {
        Server central = central(registry);
        assertEquals(ServerKind.SERVER_KIND_CENTRAL, central.getKind());
        assertEquals("", central.getParentId());

        String name = unique("clone");
        Server clone = registerClone(registry, name);
        assertEquals(name, clone.getName());
        assertEquals(ServerKind.SERVER_KIND_CLONE, clone.getKind());
        assertEquals(ServerStatus.SERVER_STATUS_REGISTERED, clone.getStatus());
        assertEquals(central.getId(), clone.getParentId());
        assertTrue(clone.hasCreatedAt());
        assertFalse(clone.hasLastContactAt());

        assertEquals(clone, registry.getServer(GetServerRequest.newBuilder().setId(clone.getId()).build()));
        assertEquals(clone, registry.getServer(GetServerRequest.newBuilder().setName(name).build()));

        List<Server> children = registry.listServers(ListServersRequest.newBuilder()
                .setParentId(central.getId()).setKind(ServerKind.SERVER_KIND_CLONE).build()).getServersList();
        assertTrue(children.contains(clone));
        assertTrue(children.stream().allMatch(s -> s.getKind() == ServerKind.SERVER_KIND_CLONE));
    }

    @Test
    void keepsAGivenServerId() {
        String id = UUID.randomUUID().toString();
        Server s = registry.registerServer(RegisterServerRequest.newBuilder().setId(id).setName(unique("kept"))
                .setKind(ServerKind.SERVER_KIND_CLONE).setParentId(central(registry).getId()).build());
        assertEquals(id, s.getId());
        fails(Status.Code.ALREADY_EXISTS, () -> registry.registerServer(RegisterServerRequest.newBuilder()
                .setId(id).setName(unique("other")).setKind(ServerKind.SERVER_KIND_CLONE)
                .setParentId(central(registry).getId()).build()));
    }

    @Test
    void duplicateNameIsAlreadyExists() {
        String name = unique("dup");
        registerClone(registry, name);
        var e = fails(Status.Code.ALREADY_EXISTS, () -> registerClone(registry, name));
        assertTrue(e.getStatus().getDescription().contains(name), e.getStatus().getDescription());
    }

    @Test
    void secondCentralIsAlreadyExists() {
        central(registry);
        fails(Status.Code.ALREADY_EXISTS, () -> registry.registerServer(RegisterServerRequest.newBuilder()
                .setName(unique("central")).setKind(ServerKind.SERVER_KIND_CENTRAL).build()));
    }

    @Test
    void unknownIdIsNotFound() {
        String id = UUID.randomUUID().toString();
        fails(Status.Code.NOT_FOUND, () -> registry.getServer(GetServerRequest.newBuilder().setId(id).build()));
        fails(Status.Code.NOT_FOUND, () -> registry.getServer(GetServerRequest.newBuilder().setName(unique("none")).build()));
        fails(Status.Code.NOT_FOUND, () -> registry.updateServerStatus(UpdateServerStatusRequest.newBuilder()
                .setId(id).setContactNow(true).build()));
        fails(Status.Code.NOT_FOUND, () -> registry.deleteServer(DeleteServerRequest.newBuilder().setId(id).build()));
        fails(Status.Code.NOT_FOUND, () -> registry.getServerTables(GetServerTablesRequest.newBuilder().setServerId(id).build()));
    }

    @Test
    void badRequestsAreInvalidArgument() {
        fails(Status.Code.INVALID_ARGUMENT, () -> registry.getServer(GetServerRequest.newBuilder().setId("not-a-uuid").build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> registry.getServer(GetServerRequest.getDefaultInstance()));
        fails(Status.Code.INVALID_ARGUMENT, () -> registry.registerServer(RegisterServerRequest.newBuilder()
                .setName(unique("nokind")).build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> registry.registerServer(RegisterServerRequest.newBuilder()
                .setName("   ").setKind(ServerKind.SERVER_KIND_CLONE).setParentId(central(registry).getId()).build()));
        // a clone needs a parent, and the parent must exist
        fails(Status.Code.INVALID_ARGUMENT, () -> registry.registerServer(RegisterServerRequest.newBuilder()
                .setName(unique("orphan")).setKind(ServerKind.SERVER_KIND_CLONE).build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> registry.registerServer(RegisterServerRequest.newBuilder()
                .setName(unique("orphan")).setKind(ServerKind.SERVER_KIND_CLONE)
                .setParentId(UUID.randomUUID().toString()).build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> registry.registerServer(RegisterServerRequest.newBuilder()
                .setName("nul\0byte").setKind(ServerKind.SERVER_KIND_CLONE).setParentId(central(registry).getId()).build()));
    }

    @Test
    void hostileNamesAreStoredVerbatim() {
        List<String> names = List.of(
                "O'Brien \"clone\"; DROP TABLE registry.servers; --" + UUID.randomUUID(),
                "Île-de-France ∑ 東京 🚜 " + UUID.randomUUID(),
                "  leading and trailing spaces  " + UUID.randomUUID() + "  ",
                "back\\slash $1 %s ${x} " + UUID.randomUUID());
        for (String name : names) {
            Server s = registerClone(registry, name);
            assertEquals(name, s.getName());
            assertEquals(name, registry.getServer(GetServerRequest.newBuilder().setId(s.getId()).build()).getName());
            assertEquals(s.getId(), registry.getServer(GetServerRequest.newBuilder().setName(name).build()).getId());
        }
        // the table survived the "injection" attempt
        assertTrue(registry.listServers(ListServersRequest.getDefaultInstance()).getServersCount() >= names.size());
    }

    @Test
    void updatesStatusAndContact() {
        Server s = registerClone(registry, unique("status"));
        Server updated = registry.updateServerStatus(UpdateServerStatusRequest.newBuilder().setId(s.getId())
                .setStatus(ServerStatus.SERVER_STATUS_ACTIVE).setToolsVersion("1.2").setContactNow(true).build());
        assertEquals(ServerStatus.SERVER_STATUS_ACTIVE, updated.getStatus());
        assertEquals("1.2", updated.getToolsVersion());
        assertTrue(updated.hasLastContactAt());
        // unspecified fields are left alone
        Server again = registry.updateServerStatus(UpdateServerStatusRequest.newBuilder().setId(s.getId()).build());
        assertEquals(updated, again);
    }

    @Test
    void deletesOnlyServersWithoutChildren() {
        Server tier = registry.registerServer(RegisterServerRequest.newBuilder().setName(unique("tier"))
                .setKind(ServerKind.SERVER_KIND_TIER).setParentId(central(registry).getId()).build());
        Server child = registry.registerServer(RegisterServerRequest.newBuilder().setName(unique("district"))
                .setKind(ServerKind.SERVER_KIND_CLONE).setParentId(tier.getId()).build());
        // a clone cannot be a parent
        fails(Status.Code.INVALID_ARGUMENT, () -> registry.registerServer(RegisterServerRequest.newBuilder()
                .setName(unique("grandchild")).setKind(ServerKind.SERVER_KIND_CLONE).setParentId(child.getId()).build()));

        fails(Status.Code.FAILED_PRECONDITION, () -> registry.deleteServer(DeleteServerRequest.newBuilder().setId(tier.getId()).build()));
        registry.deleteServer(DeleteServerRequest.newBuilder().setId(child.getId()).build());
        registry.deleteServer(DeleteServerRequest.newBuilder().setId(tier.getId()).build());
        fails(Status.Code.NOT_FOUND, () -> registry.getServer(GetServerRequest.newBuilder().setId(tier.getId()).build()));
    }

    @Test
    void aServersTablesAreThoseOfItsLastTicketSortedWithoutDuplicates() {
        Server s = registerClone(registry, unique("tables"));
        var empty = registry.getServerTables(GetServerTablesRequest.newBuilder().setServerId(s.getId()).build());
        assertEquals(0, empty.getTablesCount());
        assertFalse(empty.hasUpdatedAt());

        TableRef a = TableRef.newBuilder().setSchemaName("gis \"data\"").setTableName("Parcelles é").build();
        TableRef b = TableRef.newBuilder().setSchemaName("gis \"data\"").setTableName("arbres").build();
        var ticket = registry.issueRegistrationTicket(IssueRegistrationTicketRequest.newBuilder()
                .setCloneName(s.getName()).setCloneId(s.getId()).addTables(b).addTables(a).addTables(a).build());
        assertEquals(List.of(a, b), ticket.getTablesList()); // sorted, duplicates dropped (by code point: 'P' < 'a')
        var redeemed = service.redeemRegistrationTicket(redemption(registry, ticket, s.getId()).build());
        assertEquals(List.of(a, b), redeemed.getTablesList());
        var set = registry.getServerTables(GetServerTablesRequest.newBuilder().setServerId(s.getId()).build());
        assertEquals(List.of(a, b), set.getTablesList());
        assertTrue(set.hasUpdatedAt());

        // a new ticket for the clone replaces the list
        var again = registry.issueRegistrationTicket(IssueRegistrationTicketRequest.newBuilder()
                .setCloneName(s.getName()).setCloneId(s.getId()).addTables(b).build());
        service.redeemRegistrationTicket(redemption(registry, again, s.getId()).build());
        assertEquals(List.of(b), registry.getServerTables(GetServerTablesRequest.newBuilder().setServerId(s.getId())
                .build()).getTablesList());

        fails(Status.Code.INVALID_ARGUMENT, () -> registry.issueRegistrationTicket(IssueRegistrationTicketRequest
                .newBuilder().setCloneName(s.getName()).setCloneId(s.getId())
                .addTables(TableRef.newBuilder().setSchemaName("lizsync").setTableName("history")).build()));
    }

    @Test
    void concurrentRegistrationsOfOneNameGiveOneServer() {
        String name = unique("race");
        String parent = central(registry).getId();
        List<Uni<String>> attempts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            attempts.add(asyncRegistry.registerServer(RegisterServerRequest.newBuilder().setName(name)
                    .setKind(ServerKind.SERVER_KIND_CLONE).setParentId(parent).build())
                    .map(s -> "OK")
                    .onFailure(StatusRuntimeException.class)
                    .recoverWithItem(e -> ((StatusRuntimeException) e).getStatus().getCode().name()));
        }
        List<String> outcomes = Uni.join().all(attempts).andCollectFailures().await().atMost(Duration.ofSeconds(30));
        assertEquals(1, outcomes.stream().filter("OK"::equals).count(), outcomes.toString());
        assertTrue(outcomes.stream().allMatch(o -> o.equals("OK") || o.equals("ALREADY_EXISTS")), outcomes.toString());
    }
}
