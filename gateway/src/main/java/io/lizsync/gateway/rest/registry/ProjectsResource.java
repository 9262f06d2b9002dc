package io.lizsync.gateway.rest.registry;

import io.lizsync.gateway.grpc.Downstream;
import io.lizsync.gateway.rest.Ids;
import io.lizsync.gateway.rest.Protos;
import io.lizsync.gateway.rest.paging.Polled;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.proto.registry.v1.AddProjectDocumentRequest;
import io.lizsync.proto.registry.v1.CreateProjectRequest;
import io.lizsync.proto.registry.v1.ListProjectDocumentsRequest;
import io.lizsync.proto.registry.v1.ListProjectLayersRequest;
import io.lizsync.proto.registry.v1.ListProjectLayersResponse;
import io.lizsync.proto.registry.v1.ListProjectsRequest;
import io.lizsync.proto.registry.v1.Project;
import io.lizsync.proto.registry.v1.ProjectDocument;
import io.lizsync.proto.registry.v1.ProjectLayer;
import io.lizsync.proto.registry.v1.RegistryService;
import io.lizsync.proto.registry.v1.SetProjectTablesRequest;
import io.lizsync.proto.registry.v1.TableRef;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Projects: named sets of synchronised tables (their layers) and documents, granted to roles. A
 * field user sees the projects granted to it; administrators make and change them.
 */
@Path("/api/v1/projects")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Devices and projects")
public class ProjectsResource {

    @GrpcClient("registry")
    RegistryService registry;

    @Inject
    Downstream downstream;

    /** A field user reads only the projects granted to it (403 otherwise). */
    @Inject
    io.lizsync.gateway.rest.devices.LayerAccess access;

    public record ProjectView(String id, String key, String title, String description, List<String> allowedRoles,
            Instant createdAt, int layerCount) {
        static ProjectView of(Project p) {
            return new ProjectView(p.getId(), p.getKey(), p.getTitle(), Protos.text(p.getDescription()),
                    p.getAllowedRolesList(), Protos.time(p.getCreatedAt()), p.getLayerCount());
        }
    }

    public record NewProject(@NotNull @Pattern(regexp = "[a-z0-9][a-z0-9_-]{0,62}",
            message = "must be 1 to 63 lower-case letters, digits, _ or -") String key,
            @NotBlank @Size(max = 200) String title, @Size(max = 2000) String description,
            List<@NotNull @Pattern(regexp = "[A-Za-z0-9._@-]{1,64}", message = "must be a role name") String> allowedRoles) {
    }

    public record Table(@NotNull @Pattern(regexp = Ids.PG_NAME, message = Ids.PG_NAME_MESSAGE) String schema,
            @NotNull @Pattern(regexp = Ids.PG_NAME, message = Ids.PG_NAME_MESSAGE) String table) {
        TableRef proto() {
            return TableRef.newBuilder().setSchemaName(schema).setTableName(table).build();
        }

        static Table of(TableRef t) {
            return new Table(t.getSchemaName(), t.getTableName());
        }
    }

    public record Layer(@Valid @NotNull Table table, @Size(max = 200) String title, @Size(max = 2000) String description,
            @Pattern(regexp = Ids.PG_NAME, message = Ids.PG_NAME_MESSAGE) String geometryColumn,
            @PositiveOrZero int position, boolean editable) {
        ProjectLayer proto() {
            return ProjectLayer.newBuilder().setTable(table.proto()).setTitle(Protos.orEmpty(title))
                    .setDescription(Protos.orEmpty(description)).setGeometryColumn(Protos.orEmpty(geometryColumn))
                    .setPosition(position).setEditable(editable).build();
        }

        static Layer of(ProjectLayer l) {
            return new Layer(Table.of(l.getTable()), Protos.text(l.getTitle()), Protos.text(l.getDescription()),
                    Protos.text(l.getGeometryColumn()), l.getPosition(), l.getEditable());
        }
    }

    public record Layers(@NotNull @Size(max = 1000) List<@Valid @NotNull Layer> layers) {
    }

    public record DocumentView(String id, String projectId, Table layer, String title, String kind, String location,
            String mediaType, long sizeBytes, Instant updatedAt) {
        public static DocumentView of(ProjectDocument d) {
            return new DocumentView(d.getId(), d.getProjectId(), d.hasLayer() ? Table.of(d.getLayer()) : null, d.getTitle(),
                    d.getKind(), d.getLocation(), Protos.text(d.getMediaType()), d.getSizeBytes(), Protos.time(d.getUpdatedAt()));
        }
    }

    public record NewDocument(@Valid Table layer, @NotBlank @Size(max = 200) String title,
            @NotBlank @Pattern(regexp = "[a-z0-9_-]{1,32}", message = "must be a short lower-case kind such as file or link") String kind,
            @NotBlank @Size(max = 2000) String location, @Size(max = 200) String mediaType, @Min(0) long sizeBytes) {
    }

    @GET
    @Polled
    @RolesAllowed({Roles.ADMINISTRATOR, Roles.OPERATOR, Roles.FIELD})
    @Operation(summary = "Projects: all for administrators and operators, those granted to the caller otherwise")
    public Uni<List<ProjectView>> list() {
        var caller = downstream.caller();
        boolean all = caller.roles().contains(Roles.ADMINISTRATOR) || caller.roles().contains(Roles.OPERATOR);
        return downstream.asCaller(registry).listProjects(ListProjectsRequest.newBuilder()
                .setUserId(all ? "" : caller.subject()).build())
                .map(r -> r.getProjectsList().stream().map(ProjectView::of).toList());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMINISTRATOR)
    @Operation(summary = "Create a project")
    public Uni<Response> create(@Valid @NotNull NewProject body) {
        return downstream.asCaller(registry).createProject(CreateProjectRequest.newBuilder().setKey(body.key())
                .setTitle(body.title()).setDescription(Protos.orEmpty(body.description()))
                .addAllAllowedRoles(body.allowedRoles() == null ? List.of() : body.allowedRoles()).build())
                .map(p -> Response.status(201).entity(ProjectView.of(p)).build());
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMINISTRATOR, Roles.OPERATOR, Roles.FIELD})
    @Operation(summary = "One project")
    public Uni<ProjectView> get(@PathParam("id") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String id) {
        return access.project(id).map(ProjectView::of);
    }

    @GET
    @Path("/{id}/layers")
    @RolesAllowed({Roles.ADMINISTRATOR, Roles.OPERATOR, Roles.FIELD})
    @Operation(summary = "A project's layers (its synchronised tables), by position")
    public Uni<Layers> layers(@PathParam("id") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String id) {
        return access.project(id).flatMap(p -> downstream.asCaller(registry).listProjectLayers(
                ListProjectLayersRequest.newBuilder().setProjectId(id).build()))
                .map(ProjectsResource::layers);
    }

    @PUT
    @Path("/{id}/layers")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMINISTRATOR)
    @Operation(summary = "Set a project's layers (replaces the list)")
    public Uni<Layers> setLayers(@PathParam("id") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String id,
            @Valid @NotNull Layers body) {
        return downstream.asCaller(registry).setProjectTables(SetProjectTablesRequest.newBuilder().setProjectId(id)
                .addAllLayers(body.layers().stream().map(Layer::proto).toList()).build())
                .invoke(r -> access.forget(id)).map(ProjectsResource::layers);
    }

    @GET
    @Path("/{id}/documents")
    @RolesAllowed({Roles.ADMINISTRATOR, Roles.OPERATOR, Roles.FIELD})
    @Operation(summary = "A project's documents")
    public Uni<List<DocumentView>> documents(@PathParam("id") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String id) {
        return access.project(id).flatMap(p -> downstream.asCaller(registry).listProjectDocuments(
                ListProjectDocumentsRequest.newBuilder().setProjectId(id).build()))
                .map(r -> r.getDocumentsList().stream().map(DocumentView::of).toList());
    }

    @POST
    @Path("/{id}/documents")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMINISTRATOR, Roles.OPERATOR})
    @Operation(summary = "Add a document to a project")
    public Uni<Response> addDocument(@PathParam("id") @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE) String id,
            @Valid @NotNull NewDocument body) {
        var req = AddProjectDocumentRequest.newBuilder().setProjectId(id).setTitle(body.title()).setKind(body.kind())
                .setLocation(body.location()).setMediaType(Protos.orEmpty(body.mediaType())).setSizeBytes(body.sizeBytes());
        if (body.layer() != null) {
            req.setLayer(body.layer().proto());
        }
        return downstream.asCaller(registry).addProjectDocument(req.build())
                .map(d -> Response.status(201).entity(DocumentView.of(d)).build());
    }

    private static Layers layers(ListProjectLayersResponse r) {
        return new Layers(r.getLayersList().stream().map(Layer::of).toList());
    }
}
