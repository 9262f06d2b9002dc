package io.lizsync.gateway.ui;

import io.lizsync.gateway.grpc.Downstream;
import io.lizsync.gateway.rest.Ids;
import io.lizsync.gateway.rest.registry.DevicesResource;
import io.lizsync.proto.registry.v1.BlockDeviceRequest;
import io.lizsync.proto.registry.v1.UnblockDeviceRequest;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PathParam;
import io.lizsync.gateway.rest.Protos;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.proto.registry.v1.ListDevicesRequest;
import io.lizsync.proto.registry.v1.ListUsersRequest;
import io.lizsync.proto.registry.v1.RegistryService;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.qute.TemplateData;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Mobile devices ({@code /ui/devices}, administrators): each with its user, when it was last seen
 * and whether it is blocked; a form per device blocks, unblocks or forgets it (forgetting asks for
 * a confirmation, and drops central's download positions too, as the REST API does).
 */
@Path("/ui/devices")
@RolesAllowed(Roles.ADMINISTRATOR)
public class DevicesPage {

    @GrpcClient("registry")
    RegistryService registry;

    @GrpcClient("sync")
    io.lizsync.proto.sync.v1.DeviceSync sync;

    @Inject
    Downstream downstream;

    @Inject
    UiContext ui;

    @Inject
    UiErrors errors;

    @Inject
    io.lizsync.gateway.rest.devices.LayerAccess access;

    /** A device as listed. */
    @TemplateData
    public record DeviceRow(String id, String name, String user, Moment registered, Moment lastSeen, boolean blocked,
            Moment blockedAt) {
    }

    @POST
    @Path("/{id}/block")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> block(@PathParam("id") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String id,
            @FormParam(UiContext.FIELD) String csrf) {
        ui.checkCsrf(csrf);
        Chrome chrome = ui.chrome("devices", "Devices");
        return downstream.asCaller(registry).blockDevice(BlockDeviceRequest.newBuilder().setId(id).build())
                .invoke(d -> access.forget(id))
                .map(d -> Html.seeOther("/ui/devices?done=device-blocked"))
                .onFailure().recoverWithItem(e -> errors.page(chrome, e));
    }

    @POST
    @Path("/{id}/unblock")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> unblock(@PathParam("id") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String id,
            @FormParam(UiContext.FIELD) String csrf) {
        ui.checkCsrf(csrf);
        Chrome chrome = ui.chrome("devices", "Devices");
        return downstream.asCaller(registry).unblockDevice(UnblockDeviceRequest.newBuilder().setId(id).build())
                .map(d -> Html.seeOther("/ui/devices?done=device-unblocked"))
                .onFailure().recoverWithItem(e -> errors.page(chrome, e));
    }

    @POST
    @Path("/{id}/forget")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> forget(@PathParam("id") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String id,
            @FormParam(UiContext.FIELD) String csrf, @FormParam("confirm") String confirm) {
        ui.checkCsrf(csrf);
        Chrome chrome = ui.chrome("devices", "Devices");
        if (!"yes".equals(confirm)) {
            return Uni.createFrom().item(errors.page(chrome, new jakarta.ws.rs.BadRequestException(
                    "Forgetting was not confirmed: tick the confirmation box to forget the device.")));
        }
        return DevicesResource.forget(downstream.asCaller(registry), downstream.asCaller(sync), id)
                .invoke(f -> access.forget(id))
                .map(f -> Html.seeOther("/ui/devices?done=device-forgotten"))
                .onFailure().recoverWithItem(e -> errors.page(chrome, e));
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Uni<Response> page(@QueryParam("page") String page, @QueryParam("done") String done) {
        Chrome chrome = ui.chrome("devices", "Devices");
        Instant now = Instant.now();
        RegistryService client = downstream.asCaller(registry);
        Uni<Map<String, String>> users = client.listUsers(ListUsersRequest.newBuilder().setPageSize(500).build()).map(r -> {
            Map<String, String> m = new HashMap<>();
            r.getUsersList().forEach(u -> m.put(u.getId(), u.getLogin()));
            return m;
        }).onFailure().recoverWithItem(Map.of());
        Uni<io.lizsync.proto.registry.v1.ListDevicesResponse> devices = client.listDevices(ListDevicesRequest.newBuilder()
                .setPageSize(100).setPageToken(page == null ? "" : page).build());
        return Uni.combine().all().unis(devices, users).asTuple().map(t -> {
            var rows = t.getItem1().getDevicesList().stream().map(d -> new DeviceRow(d.getId(), d.getName(),
                    t.getItem2().getOrDefault(d.getUserId(), d.getUserId()), Moment.of(Protos.time(d.getRegisteredAt()), now),
                    Moment.of(Protos.time(d.getLastSeenAt()), now), d.getBlocked(),
                    d.hasBlockedAt() ? Moment.of(Protos.time(d.getBlockedAt()), now) : null)).toList();
            String next = t.getItem1().getNextPageToken().isEmpty() ? null
                    : "/ui/devices?page=" + URLEncoder.encode(t.getItem1().getNextPageToken(), StandardCharsets.UTF_8);
            return Html.ok(Pages.Templates.devices(chrome, rows, next, Flash.message(done, null)));
        }).onFailure().recoverWithItem(e -> errors.page(chrome, e));
    }
}
