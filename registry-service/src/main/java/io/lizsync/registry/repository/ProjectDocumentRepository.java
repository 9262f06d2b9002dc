package io.lizsync.registry.repository;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.lizsync.registry.model.ProjectDocument;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/** Queries of {@code registry.project_documents}. */
@ApplicationScoped
public class ProjectDocumentRepository implements PanacheRepositoryBase<ProjectDocument, UUID> {

    public Uni<List<ProjectDocument>> listByProject(UUID projectId) {
        return list("projectId", Sort.by("title").and("id"), projectId);
    }

    public Uni<List<ProjectDocument>> listByLayer(UUID projectId, String schemaName, String tableName) {
        return list("projectId = ?1 and layerSchema = ?2 and layerTable = ?3", Sort.by("title").and("id"),
                projectId, schemaName, tableName);
    }
}
