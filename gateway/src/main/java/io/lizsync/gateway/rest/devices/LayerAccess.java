package io.lizsync.gateway.rest.devices;

import io.lizsync.gateway.grpc.Downstream;
import io.lizsync.grpckit.auth.Caller;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.proto.registry.v1.Device;
import io.lizsync.proto.registry.v1.ListProjectLayersRequest;
import io.lizsync.proto.registry.v1.ListProjectsRequest;
import io.lizsync.proto.registry.v1.Project;
import io.lizsync.proto.registry.v1.ProjectLayer;
import io.lizsync.proto.registry.v1.RegistryService;
import io.lizsync.proto.registry.v1.UseDeviceRequest;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.List;

/**
 * The checks before every call of the device flow, with the caller's token: the project is one
 * the caller may see and the table one of its layers ({@link LayerGrant}), and the device named
 * by the request is the caller's and not blocked (registry's UseDevice, which registers an
 * unknown one to the caller). The registry calls run together, and their answers are kept a few
 * seconds per caller ({@link GrantMemo}, {@code lizsync.gateway.devices.checks-ttl}): writes
 * through this gateway that make them stale call {@link #forget}.
 */
@ApplicationScoped
public class LayerAccess {

    @GrpcClient("registry")
    RegistryService registry;

    @Inject
    Downstream downstream;

    private final GrantMemo memo;

    @Inject
    public LayerAccess(io.lizsync.gateway.config.GatewayConfig config) {
        this.memo = new GrantMemo(config.devices().checksTtl(), config.devices().checksCacheSize(), Clock.systemUTC());
    }

    /** The projects the caller may see and a project's layers, as registry answered them. */
    private record Answers(List<Project> visible, List<ProjectLayer> layers) {
    }

    /** Forgets the kept answers naming a device or a project (it was blocked, forgotten, its layers set). */
    public void forget(String id) {
        memo.forget(id);
    }

    /** What a granted request works with. */
    public record Granted(Project project, ProjectLayer layer) {
    }

    /** The project and layer, or a failure (403 not granted, 404 unknown project or layer). */
    public Uni<Granted> layer(String projectId, String schema, String table) {
        Caller caller = downstream.caller();
        boolean all = caller.roles().contains(Roles.ADMINISTRATOR) || caller.roles().contains(Roles.OPERATOR);
        String key = "grant|" + caller.subject() + "|" + all + "|" + projectId;
        return memo.get(key, () -> answers(caller, all, projectId)).map(a -> {
            var ids = a.visible().stream().map(Project::getId).toList();
            LayerGrant.check(ids, projectId, a.layers(), schema, table).ifPresent(r -> {
                throw r.exception();
            });
            Project project = a.visible().stream().filter(p -> p.getId().equals(projectId)).findFirst().orElseThrow();
            return new Granted(project, LayerGrant.find(a.layers(), schema, table).orElseThrow());
        });
    }

    private Uni<Answers> answers(Caller caller, boolean all, String projectId) {
        RegistryService client = downstream.asCaller(registry);
        Uni<List<Project>> visible = client.listProjects(ListProjectsRequest.newBuilder()
                .setUserId(all ? "" : caller.subject()).build()).map(r -> r.getProjectsList());
        // An unknown project is a 404 from the layers call, whatever the caller may see.
        Uni<List<ProjectLayer>> layers = client.listProjectLayers(ListProjectLayersRequest.newBuilder()
                .setProjectId(projectId).build()).map(r -> r.getLayersList());
        return Uni.combine().all().unis(visible, layers).asTuple().map(t -> new Answers(t.getItem1(), t.getItem2()));
    }

    /** A project the caller may see (403 when not granted, 404 when unknown), with its documents' listing at hand. */
    public Uni<Project> project(String projectId) {
        Caller caller = downstream.caller();
        RegistryService client = downstream.asCaller(registry);
        boolean all = caller.roles().contains(Roles.ADMINISTRATOR) || caller.roles().contains(Roles.OPERATOR);
        return client.getProject(io.lizsync.proto.registry.v1.GetProjectRequest.newBuilder().setId(projectId).build())
                .flatMap(p -> all ? Uni.createFrom().item(p)
                        : client.listProjects(ListProjectsRequest.newBuilder().setUserId(caller.subject()).build()).map(r -> {
                            if (r.getProjectsList().stream().noneMatch(v -> v.getId().equals(projectId))) {
                                throw new LayerGrant.Refusal(403, "project " + projectId + " is not granted to you").exception();
                            }
                            return p;
                        }));
    }

    /** The caller's device {@code deviceId} (registered to it when unknown); 403 when blocked or another user's. */
    public Uni<Device> device(String deviceId) {
        String key = "device|" + deviceId + "|" + downstream.caller().subject();
        return memo.get(key, () -> downstream.asCaller(registry).useDevice(UseDeviceRequest.newBuilder().setId(deviceId).build()));
    }

    /** {@link #layer} and, when a device is named, {@link #device}, together. */
    public Uni<Granted> layerForDevice(String projectId, String schema, String table, String deviceId) {
        if (deviceId == null || deviceId.isBlank()) {
            return layer(projectId, schema, table);
        }
        return Uni.combine().all().unis(layer(projectId, schema, table), device(deviceId)).asTuple().map(t -> t.getItem1());
    }
}
