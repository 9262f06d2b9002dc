package io.lizsync.gateway.rest.registry;

import io.lizsync.gateway.grpc.Downstream;
import io.lizsync.gateway.rest.Ids;
import io.lizsync.gateway.rest.Protos;
import io.lizsync.gateway.rest.paging.Page;
import io.lizsync.gateway.rest.paging.PageRequest;
import io.lizsync.gateway.rest.paging.Polled;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.proto.registry.v1.Device;
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

    @Inject
    Downstream downstream;

    public record DeviceView(String id, String name, String userId, Instant registeredAt, Instant lastSeenAt) {
        static DeviceView of(Device d) {
            return new DeviceView(d.getId(), d.getName(), d.getUserId(), Protos.time(d.getRegisteredAt()),
                    Protos.time(d.getLastSeenAt()));
        }
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
