package io.lizsync.registry.repository;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.lizsync.registry.model.ProjectTable;
import io.lizsync.registry.model.ProjectTableId;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/** Queries of {@code registry.project_tables}. */
@ApplicationScoped
public class ProjectTableRepository implements PanacheRepositoryBase<ProjectTable, ProjectTableId> {

    public Uni<List<ProjectTable>> listByProject(UUID projectId) {
        return list("projectId", Sort.by("displayPosition").and("schemaName").and("tableName"), projectId);
    }

    /** Number of layers per project, as {@code [projectId, count]} rows. */
    public Uni<List<Object[]>> countByProjects(Collection<UUID> projectIds) {
        if (projectIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return getSession().chain(session -> session
                .createSelectionQuery("select t.projectId, count(t) from ProjectTable t"
                        + " where t.projectId in :ids group by t.projectId", Object[].class)
                .setParameter("ids", projectIds)
                .getResultList());
    }

    public Uni<Long> deleteOne(UUID projectId, String schemaName, String tableName) {
        return delete("projectId = ?1 and schemaName = ?2 and tableName = ?3", projectId, schemaName, tableName);
    }
}
