package io.lizsync.gateway.rest.devices;

import io.lizsync.gateway.grpc.Downstream;
import io.lizsync.gateway.rest.registry.ProjectsResource.DocumentView;
import io.lizsync.proto.registry.v1.ListProjectDocumentsRequest;
import io.lizsync.proto.registry.v1.ProjectDocument;
import io.lizsync.proto.registry.v1.RegistryService;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.NotFoundException;
import java.util.List;

/** A project's documents as registry-service lists them, with the caller's token. */
@ApplicationScoped
public class ProjectDocuments {

    @GrpcClient("registry")
    RegistryService registry;

    @Inject
    Downstream downstream;

    /** The documents describing one layer of a project. */
    public Uni<List<DocumentView>> forLayer(String projectId, String schema, String table) {
        return all(projectId).map(docs -> docs.stream().filter(d -> d.hasLayer() && d.getLayer().getSchemaName().equals(schema)
                && d.getLayer().getTableName().equals(table)).map(DocumentView::of).toList());
    }

    /** One document of a project; 404 when the project has none with this id. */
    public Uni<ProjectDocument> find(String projectId, String documentId) {
        return all(projectId).map(docs -> docs.stream().filter(d -> d.getId().equalsIgnoreCase(documentId)).findFirst()
                .orElseThrow(() -> new NotFoundException("project " + projectId + " has no document " + documentId)));
    }

    private Uni<List<ProjectDocument>> all(String projectId) {
        return downstream.asCaller(registry).listProjectDocuments(ListProjectDocumentsRequest.newBuilder()
                .setProjectId(projectId).build()).map(r -> r.getDocumentsList());
    }
}
