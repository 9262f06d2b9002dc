package io.lizsync.registry.repository;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.lizsync.registry.model.ProjectRole;
import io.lizsync.registry.model.ProjectRoleId;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/** Queries of {@code registry.project_roles}. */
@ApplicationScoped
public class ProjectRoleRepository implements PanacheRepositoryBase<ProjectRole, ProjectRoleId> {

    public Uni<List<ProjectRole>> listByProjects(Collection<UUID> projectIds) {
        if (projectIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return list("projectId in ?1", Sort.by("roleName"), projectIds);
    }
}
