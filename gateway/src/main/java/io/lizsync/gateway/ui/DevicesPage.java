package io.lizsync.gateway.ui;

import io.lizsync.gateway.grpc.Downstream;
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
 * Mobile devices ({@code /ui/devices}, administrators): each with its user and when it was last
 * seen. The registry has no call to block or forget a device yet, so the page only lists them.
 */
@Path("/ui/devices")
@RolesAllowed(Roles.ADMINISTRATOR)
public class DevicesPage {

    @GrpcClient("registry")
    RegistryService registry;

    @Inject
    Downstream downstream;

    @Inject
    UiContext ui;

    @Inject
    UiErrors errors;

    /** A device as listed. */
    @TemplateData
    public record DeviceRow(String id, String name, String user, Moment registered, Moment lastSeen) {
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Uni<Response> page(@QueryParam("page") String page) {
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
                    Moment.of(Protos.time(d.getLastSeenAt()), now))).toList();
            String next = t.getItem1().getNextPageToken().isEmpty() ? null
                    : "/ui/devices?page=" + URLEncoder.encode(t.getItem1().getNextPageToken(), StandardCharsets.UTF_8);
            return Html.ok(Pages.Templates.devices(chrome, rows, next));
        }).onFailure().recoverWithItem(e -> errors.page(chrome, e));
    }
}
