package io.lizsync.gateway.ui;

import io.lizsync.gateway.grpc.Downstream;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.proto.registry.v1.ListProjectsRequest;
import io.lizsync.proto.registry.v1.RegistryService;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.qute.TemplateData;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Projects ({@code /ui/projects}): those granted to a field user (their start page), all for the others. */
@Path("/ui/projects")
@RolesAllowed({Roles.ADMINISTRATOR, Roles.OPERATOR, Roles.FIELD})
public class ProjectsPage {

    @GrpcClient("registry")
    RegistryService registry;

    @Inject
    Downstream downstream;

    @Inject
    UiContext ui;

    @Inject
    UiErrors errors;

    /** A project as listed. */
    @TemplateData
    public record ProjectRow(String id, String key, String title, String description, int layers, String roles) {
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Uni<Response> page() {
        Chrome chrome = ui.chrome("projects", "Projects");
        var caller = downstream.caller();
        return downstream.asCaller(registry).listProjects(ListProjectsRequest.newBuilder()
                .setUserId(ui.ops() ? "" : caller.subject()).build())
                .map(r -> Html.ok(Pages.Templates.projects(chrome, r.getProjectsList().stream()
                        .map(p -> new ProjectRow(p.getId(), p.getKey(), p.getTitle(), p.getDescription(), p.getLayerCount(),
                                p.getAllowedRolesCount() == 0 ? "everyone" : String.join(", ", p.getAllowedRolesList())))
                        .toList())))
                .onFailure().recoverWithItem(e -> errors.page(chrome, e));
    }
}
