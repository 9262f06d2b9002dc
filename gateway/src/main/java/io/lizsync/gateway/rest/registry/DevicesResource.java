package io.lizsync.gateway.rest.registry;

import io.lizsync.gateway.grpc.Downstream;
import io.lizsync.gateway.rest.Ids;
import io.lizsync.gateway.rest.Protos;
import io.lizsync.gateway.rest.paging.Page;
import io.lizsync.gateway.rest.paging.PageRequest;
import io.lizsync.gateway.rest.paging.Polled;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.proto.registry.v1.BlockDeviceRequest;
import io.lizsync.proto.registry.v1.Device;
import io.lizsync.proto.registry.v1.ForgetDeviceRequest;
import io.lizsync.proto.registry.v1.UnblockDeviceRequest;
import io.lizsync.proto.sync.v1.DeviceSync;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.PUT;
import io.lizsync.proto.registry.v1.GetDeviceRequest;
import io.lizsync.proto.registry.v1.ListDevicesRequest;
import io.lizsync.proto.registry.v1.RegisterDeviceRequest;
import io.lizsync.proto.registry.v1.RegistryService;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Mobile devices known by UUID, each tied to a user (registry-service). */
@Path("/api/v1/devices")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Devices and projects")
public class DevicesResource {

    @GrpcClient("registry")
    RegistryService registry;

    @GrpcClient("sync")
    DeviceSync sync;

    @Inject
    Downstream downstream;

    @Inject
    io.lizsync.gateway.rest.devices.LayerAccess access;

    public record DeviceView(String id, String name, String userId, Instant registeredAt, Instant lastSeenAt,
            boolean blocked, Instant blockedAt) {
        static DeviceView of(Device d) {
            return new DeviceView(d.getId(), d.getName(), Protos.text(d.getUserId()), Protos.time(d.getRegisteredAt()),
                    Protos.time(d.getLastSeenAt()), d.getBlocked(), d.hasBlockedAt() ? Protos.time(d.getBlockedAt()) : null);
        }
    }

    /** A forgotten device as it was, and the download positions central dropped with it. */
    public record Forgotten(DeviceView device, long positionsDropped) {
    }

    public record NewDevice(@NotNull @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String id,
            @NotBlank @Size(max = 200) String name,
            @NotNull @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String userId) {
    }

    @GET
    @Polled
    @RolesAllowed(Roles.ADMINISTRATOR)
    @Operation(summary = "Devices, of one user or all")
    public Uni<Page<DeviceView>> list(@QueryParam("user") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String user,
            @Valid @BeanParam PageRequest page) {
        return downstream.asCaller(registry).listDevices(ListDevicesRequest.newBuilder().setUserId(Protos.orEmpty(user))
                .setPageSize(page.size()).setPageToken(page.token()).build())
                .map(r -> new Page<>(r.getDevicesList().stream().map(DeviceView::of).toList(), r.getNextPageToken()));
    }

    @GET
    @Path("/{id}")
    @RolesAllowed(Roles.ADMINISTRATOR)
    @Operation(summary = "One device")
    public Uni<DeviceView> get(@PathParam("id") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String id) {
        return downstream.asCaller(registry).getDevice(GetDeviceRequest.newBuilder().setId(id).build()).map(DeviceView::of);
    }

    /** The name a device gives itself when it registers. */
    public record OwnDevice(@Size(max = 200) String name) {
    }

    @PUT
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMINISTRATOR, Roles.OPERATOR, Roles.FIELD})
    @Operation(summary = "Register the caller's own device (idempotent): 403 when it is blocked or registered to another user")
    public Uni<DeviceView> registerOwn(@PathParam("id") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String id,
            @Valid @NotNull OwnDevice body) {
        return downstream.asCaller(registry).useDevice(io.lizsync.proto.registry.v1.UseDeviceRequest.newBuilder().setId(id)
                .setName(Protos.orEmpty(body.name())).build()).map(DeviceView::of);
    }

    @POST
    @Path("/{id}/block")
    @RolesAllowed(Roles.ADMINISTRATOR)
    @Operation(summary = "Block a device: every request naming it is refused (403) until it is unblocked")
    public Uni<DeviceView> block(@PathParam("id") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String id) {
        // The device flow's kept checks of this device go: it is refused from the next request on.
        return downstream.asCaller(registry).blockDevice(BlockDeviceRequest.newBuilder().setId(id).build())
                .invoke(d -> access.forget(id)).map(DeviceView::of);
    }

    @POST
    @Path("/{id}/unblock")
    @RolesAllowed(Roles.ADMINISTRATOR)
    @Operation(summary = "Unblock a device")
    public Uni<DeviceView> unblock(@PathParam("id") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String id) {
        return downstream.asCaller(registry).unblockDevice(UnblockDeviceRequest.newBuilder().setId(id).build()).map(DeviceView::of);
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(Roles.ADMINISTRATOR)
    @Operation(summary = "Forget a device: central drops its download positions, the registry the device (its UUID may"
            + " register again, as a new device that downloads everything)")
    public Uni<Forgotten> forget(@PathParam("id") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String id) {
        return forget(downstream.asCaller(registry), downstream.asCaller(sync), id).invoke(f -> access.forget(id));
    }

    /**
     * Central's positions first (idempotent), then the registry's device: a failure between the two
     * leaves the device listed, and forgetting it again finishes the work; the other order could
     * leave positions nobody can name any more.
     */
    public static Uni<Forgotten> forget(RegistryService registry, DeviceSync sync, String id) {
        return sync.forgetDevice(io.lizsync.proto.sync.v1.ForgetDeviceRequest.newBuilder().setDeviceId(id).build())
                .flatMap(r -> registry.forgetDevice(ForgetDeviceRequest.newBuilder().setId(id).build())
                        .map(f -> new Forgotten(DeviceView.of(f.getDevice()), r.getPositionsDropped())));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMINISTRATOR)
    @Operation(summary = "Register a device for a user")
    public Uni<Response> register(@Valid @NotNull NewDevice body) {
        return downstream.asCaller(registry).registerDevice(RegisterDeviceRequest.newBuilder().setId(body.id())
                .setName(body.name()).setUserId(body.userId()).build())
                .map(d -> Response.status(201).entity(DeviceView.of(d)).build());
    }
}
