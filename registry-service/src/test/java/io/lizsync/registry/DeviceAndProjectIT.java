package io.lizsync.registry;

import static io.lizsync.registry.RegistryTestSupport.fails;
import static io.lizsync.registry.RegistryTestSupport.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.lizsync.grpckit.auth.BearerCredentials;
import io.lizsync.proto.registry.v1.AddProjectDocumentRequest;
import io.lizsync.proto.registry.v1.AuthenticateRequest;
import io.lizsync.proto.registry.v1.BlockDeviceRequest;
import io.lizsync.proto.registry.v1.ForgetDeviceRequest;
import io.lizsync.proto.registry.v1.UnblockDeviceRequest;
import io.lizsync.proto.registry.v1.UseDeviceRequest;
import io.lizsync.proto.registry.v1.CreateProjectRequest;
import io.lizsync.proto.registry.v1.CreateUserRequest;
import io.lizsync.proto.registry.v1.Device;
import io.lizsync.proto.registry.v1.GetDeviceRequest;
import io.lizsync.proto.registry.v1.GetProjectRequest;
import io.lizsync.proto.registry.v1.ListDevicesRequest;
import io.lizsync.proto.registry.v1.ListProjectDocumentsRequest;
import io.lizsync.proto.registry.v1.ListProjectLayersRequest;
import io.lizsync.proto.registry.v1.ListProjectsRequest;
import io.lizsync.proto.registry.v1.Project;
import io.lizsync.proto.registry.v1.ProjectLayer;
import io.lizsync.proto.registry.v1.RegisterDeviceRequest;
import io.lizsync.proto.registry.v1.RegistryServiceGrpc.RegistryServiceBlockingStub;
import io.lizsync.proto.registry.v1.SetProjectTablesRequest;
import io.lizsync.proto.registry.v1.TableRef;
import io.lizsync.proto.registry.v1.User;
import io.lizsync.testkit.TestKeys;
import io.quarkus.grpc.GrpcClient;
import org.junit.jupiter.api.BeforeEach;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(RegistryTestResource.class)
class DeviceAndProjectIT {

    @GrpcClient("registry")
    RegistryServiceBlockingStub anonymous;

    /** The registry as an administrator (a token signed with the test keys). */
    RegistryServiceBlockingStub registry;

    @BeforeEach
    void asAdministrator() {
        registry = anonymous.withCallCredentials(TestKeys.get().administrator());
    }

    private User user(String... roles) {
        return registry.createUser(CreateUserRequest.newBuilder().setLogin(unique("u")).setPassword("password-123")
                .addAllRoles(List.of(roles)).build());
    }

    private static TableRef table(String schema, String table) {
        return TableRef.newBuilder().setSchemaName(schema).setTableName(table).build();
    }

    @Test
    void devicesRegisterIdempotentlyAndList() {
        User owner = user();
        String id = UUID.randomUUID().toString();
        Device first = registry.registerDevice(RegisterDeviceRequest.newBuilder().setId(id).setName("Tablette « terrain »")
                .setUserId(owner.getId()).build());
        assertEquals("Tablette « terrain »", first.getName());
        Device again = registry.registerDevice(RegisterDeviceRequest.newBuilder().setId(id).setName("renamed").build());
        assertEquals("renamed", again.getName());
        assertEquals(first.getRegisteredAt(), again.getRegisteredAt());
        assertEquals(owner.getId(), again.getUserId());

        assertEquals(again, registry.getDevice(GetDeviceRequest.newBuilder().setId(id).build()));
        assertEquals(List.of(again), registry.listDevices(ListDevicesRequest.newBuilder().setUserId(owner.getId()).build())
                .getDevicesList());

        fails(Status.Code.NOT_FOUND, () -> registry.getDevice(GetDeviceRequest.newBuilder().setId(UUID.randomUUID().toString()).build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> registry.registerDevice(RegisterDeviceRequest.newBuilder().setId("847bd592").build()));
    }

    /** The registry as {@code user} logged in with its password (a real access token naming it). */
    private RegistryServiceBlockingStub loggedIn(User user) {
        String access = anonymous.authenticate(AuthenticateRequest.newBuilder().setLogin(user.getLogin())
                .setPassword("password-123").build()).getAccessToken();
        return anonymous.withCallCredentials(BearerCredentials.of(access));
    }

    @Test
    void aDeviceIsUsedByItsUserOnlyAndAnAdministratorBlocksUnblocksAndForgetsIt() {
        User alice = user("field");
        User bob = user("field");
        String id = UUID.randomUUID().toString();
        Device first = loggedIn(alice).useDevice(UseDeviceRequest.newBuilder().setId(id).setName("A").build());
        assertEquals(alice.getId(), first.getUserId(), "an unknown device is registered to its first user");
        assertFalse(first.getBlocked());
        assertEquals(first.getRegisteredAt(), loggedIn(alice).useDevice(UseDeviceRequest.newBuilder().setId(id).build())
                .getRegisteredAt());

        var other = fails(Status.Code.PERMISSION_DENIED, () -> loggedIn(bob).useDevice(UseDeviceRequest.newBuilder().setId(id).build()));
        assertTrue(other.getStatus().getDescription().contains("another user"), other.getStatus().getDescription());
        fails(Status.Code.PERMISSION_DENIED, () -> registry.registerDevice(RegisterDeviceRequest.newBuilder().setId(id)
                .setUserId(bob.getId()).build()));

        Device blocked = registry.blockDevice(BlockDeviceRequest.newBuilder().setId(id).build());
        assertTrue(blocked.getBlocked());
        assertTrue(blocked.hasBlockedAt());
        assertEquals(blocked.getBlockedAt(), registry.blockDevice(BlockDeviceRequest.newBuilder().setId(id).build()).getBlockedAt(),
                "blocking twice keeps the first time");
        var refused = fails(Status.Code.PERMISSION_DENIED, () -> loggedIn(alice).useDevice(UseDeviceRequest.newBuilder().setId(id).build()));
        assertTrue(refused.getStatus().getDescription().contains("blocked"), refused.getStatus().getDescription());
        fails(Status.Code.PERMISSION_DENIED, () -> loggedIn(alice).blockDevice(BlockDeviceRequest.newBuilder().setId(id).build()));

        Device unblocked = registry.unblockDevice(UnblockDeviceRequest.newBuilder().setId(id).build());
        assertFalse(unblocked.getBlocked());
        assertFalse(unblocked.hasBlockedAt());
        assertEquals(alice.getId(), loggedIn(alice).useDevice(UseDeviceRequest.newBuilder().setId(id).build()).getUserId());

        assertEquals(id, registry.forgetDevice(ForgetDeviceRequest.newBuilder().setId(id).build()).getDevice().getId());
        fails(Status.Code.NOT_FOUND, () -> registry.getDevice(GetDeviceRequest.newBuilder().setId(id).build()));
        fails(Status.Code.NOT_FOUND, () -> registry.forgetDevice(ForgetDeviceRequest.newBuilder().setId(id).build()));
        fails(Status.Code.NOT_FOUND, () -> registry.blockDevice(BlockDeviceRequest.newBuilder().setId(id).build()));
        assertEquals(bob.getId(), loggedIn(bob).useDevice(UseDeviceRequest.newBuilder().setId(id).build()).getUserId(),
                "a forgotten UUID registers again as a new device");
    }

    @Test
    void devicePaging() {
        User owner = user();
        for (int i = 0; i < 5; i++) {
            registry.registerDevice(RegisterDeviceRequest.newBuilder().setId(UUID.randomUUID().toString())
                    .setName("d" + i).setUserId(owner.getId()).build());
        }
        var p1 = registry.listDevices(ListDevicesRequest.newBuilder().setUserId(owner.getId()).setPageSize(3).build());
        assertEquals(3, p1.getDevicesCount());
        assertFalse(p1.getNextPageToken().isEmpty());
        var p2 = registry.listDevices(ListDevicesRequest.newBuilder().setUserId(owner.getId()).setPageSize(3)
                .setPageToken(p1.getNextPageToken()).build());
        assertEquals(2, p2.getDevicesCount());
        assertEquals("", p2.getNextPageToken());
    }

    @Test
    void projectsLayersAndDocuments() {
        String key = unique("water quality é");
        Project p = registry.createProject(CreateProjectRequest.newBuilder().setKey(key).setTitle("Water quality")
                .addAllowedRoles("operator").build());
        assertEquals(key, p.getKey());
        assertEquals(List.of("operator"), p.getAllowedRolesList());
        fails(Status.Code.ALREADY_EXISTS, () -> registry.createProject(CreateProjectRequest.newBuilder().setKey(key).build()));
        assertEquals(p, registry.getProject(GetProjectRequest.newBuilder().setKey(key).build()));

        ProjectLayer stations = ProjectLayer.newBuilder().setTable(table("water", "stations")).setTitle("Stations")
                .setGeometryColumn("geom").setEditable(true).build();
        ProjectLayer samples = ProjectLayer.newBuilder().setTable(table("water", "samples \"2024\"")).setTitle("Samples").build();
        var layers = registry.setProjectTables(SetProjectTablesRequest.newBuilder().setProjectId(p.getId())
                .addLayers(stations).addLayers(samples).build());
        assertEquals(2, layers.getLayersCount());
        assertEquals(0, layers.getLayers(0).getPosition());
        assertEquals("stations", layers.getLayers(0).getTable().getTableName());
        assertEquals(1, layers.getLayers(1).getPosition());
        assertEquals(layers, registry.listProjectLayers(ListProjectLayersRequest.newBuilder().setProjectId(p.getId()).build()));
        assertEquals(2, registry.getProject(GetProjectRequest.newBuilder().setId(p.getId()).build()).getLayerCount());

        var wholeDoc = registry.addProjectDocument(AddProjectDocumentRequest.newBuilder().setProjectId(p.getId())
                .setTitle("Protocol").setKind("url").setLocation("https://example.org/protocol.pdf").build());
        var layerDoc = registry.addProjectDocument(AddProjectDocumentRequest.newBuilder().setProjectId(p.getId())
                .setLayer(table("water", "samples \"2024\"")).setTitle("Sampling guide").setKind("file")
                .setLocation("media/docs/sampling.pdf").setMediaType("application/pdf").setSizeBytes(1234).build());
        assertEquals(2, registry.listProjectDocuments(ListProjectDocumentsRequest.newBuilder().setProjectId(p.getId()).build())
                .getDocumentsCount());
        assertEquals(List.of(layerDoc), registry.listProjectDocuments(ListProjectDocumentsRequest.newBuilder()
                .setProjectId(p.getId()).setLayer(table("water", "samples \"2024\"")).build()).getDocumentsList());

        // bad documents
        fails(Status.Code.INVALID_ARGUMENT, () -> registry.addProjectDocument(AddProjectDocumentRequest.newBuilder()
                .setProjectId(p.getId()).setTitle("escape").setKind("file").setLocation("../../etc/passwd").build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> registry.addProjectDocument(AddProjectDocumentRequest.newBuilder()
                .setProjectId(p.getId()).setTitle("bad url").setKind("url").setLocation("javascript:alert(1)").build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> registry.addProjectDocument(AddProjectDocumentRequest.newBuilder()
                .setProjectId(p.getId()).setLayer(table("water", "unknown")).setTitle("t").setKind("url")
                .setLocation("https://example.org").build()));

        // replacing the layers drops the removed layer and its documents, keeps the others
        var replaced = registry.setProjectTables(SetProjectTablesRequest.newBuilder().setProjectId(p.getId())
                .addLayers(stations.toBuilder().setTitle("Stations v2")).build());
        assertEquals(1, replaced.getLayersCount());
        assertEquals("Stations v2", replaced.getLayers(0).getTitle());
        assertEquals(List.of(wholeDoc), registry.listProjectDocuments(ListProjectDocumentsRequest.newBuilder()
                .setProjectId(p.getId()).build()).getDocumentsList());

        fails(Status.Code.INVALID_ARGUMENT, () -> registry.setProjectTables(SetProjectTablesRequest.newBuilder()
                .setProjectId(p.getId()).addLayers(stations).addLayers(stations).build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> registry.setProjectTables(SetProjectTablesRequest.newBuilder()
                .setProjectId(p.getId()).addLayers(ProjectLayer.newBuilder().setTable(table("public", "t"))).build()));
        fails(Status.Code.NOT_FOUND, () -> registry.listProjectLayers(ListProjectLayersRequest.newBuilder()
                .setProjectId(UUID.randomUUID().toString()).build()));
    }

    @Test
    void projectsVisibleToAUserFollowRoles() {
        Project open = registry.createProject(CreateProjectRequest.newBuilder().setKey(unique("open")).build());
        Project editors = registry.createProject(CreateProjectRequest.newBuilder().setKey(unique("editors"))
                .addAllowedRoles("operator").build());
        Project admins = registry.createProject(CreateProjectRequest.newBuilder().setKey(unique("admins"))
                .addAllowedRoles("administrator").build());

        List<String> viewerSees = keys(user("field"));
        assertTrue(viewerSees.contains(open.getKey()));
        assertFalse(viewerSees.contains(editors.getKey()));
        assertFalse(viewerSees.contains(admins.getKey()));

        List<String> editorSees = keys(user("operator"));
        assertTrue(editorSees.containsAll(List.of(open.getKey(), editors.getKey())));
        assertFalse(editorSees.contains(admins.getKey()));

        assertTrue(keys(user("administrator")).containsAll(List.of(open.getKey(), editors.getKey(), admins.getKey())));

        fails(Status.Code.NOT_FOUND, () -> registry.listProjects(ListProjectsRequest.newBuilder()
                .setUserId(UUID.randomUUID().toString()).build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> registry.createProject(CreateProjectRequest.newBuilder()
                .setKey(unique("x")).addAllowedRoles("no-such-role").build()));
    }

    private List<String> keys(User u) {
        return registry.listProjects(ListProjectsRequest.newBuilder().setUserId(u.getId()).build())
                .getProjectsList().stream().map(Project::getKey).toList();
    }
}
