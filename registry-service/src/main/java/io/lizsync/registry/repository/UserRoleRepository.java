package io.lizsync.registry.repository;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.lizsync.registry.model.UserRole;
import io.lizsync.registry.model.UserRoleId;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/** Queries of {@code registry.user_roles}. */
@ApplicationScoped
public class UserRoleRepository implements PanacheRepositoryBase<UserRole, UserRoleId> {

    public Uni<List<UserRole>> listByUsers(Collection<UUID> userIds) {
        if (userIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return list("userId in ?1", Sort.by("roleName"), userIds);
    }

    /** Whether any user holds {@code role}. */
    public Uni<Boolean> anyHolds(String role) {
        return count("roleName", role).map(n -> n > 0);
    }
}
