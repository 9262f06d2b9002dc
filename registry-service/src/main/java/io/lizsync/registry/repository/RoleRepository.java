package io.lizsync.registry.repository;

import java.util.Collection;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.lizsync.registry.model.Role;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/** Queries of {@code registry.roles}. */
@ApplicationScoped
public class RoleRepository implements PanacheRepositoryBase<Role, String> {

    public Uni<List<Role>> listSorted() {
        return listAll(Sort.by("name"));
    }

    /** Those of the given names that exist. */
    public Uni<List<String>> existingNames(Collection<String> names) {
        if (names.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return list("name in ?1", names).map(roles -> roles.stream().map(r -> r.name).toList());
    }
}
