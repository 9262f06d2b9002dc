package io.lizsync.registry.repository;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.lizsync.registry.model.Project;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/** Queries of {@code registry.projects}. */
@ApplicationScoped
public class ProjectRepository implements PanacheRepositoryBase<Project, UUID> {

    public Uni<Project> findByKey(String key) {
        return find("projectKey", key).firstResult();
    }

    public Uni<List<Project>> listAllSorted() {
        return listAll(Sort.by("projectKey"));
    }

    /** Projects visible to holders of {@code roles}: those open to everyone and those allowing one of the roles. */
    public Uni<List<Project>> listVisibleTo(Collection<String> roles) {
        String open = "not exists (select 1 from ProjectRole r where r.projectId = p.id)";
        if (roles.isEmpty()) {
            return find("from Project p where " + open + " order by p.projectKey").list();
        }
        return find("from Project p where " + open
                + " or exists (select 1 from ProjectRole r where r.projectId = p.id and r.roleName in ?1)"
                + " order by p.projectKey", roles).list();
    }
}
