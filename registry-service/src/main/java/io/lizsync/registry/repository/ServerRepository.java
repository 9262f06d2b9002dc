package io.lizsync.registry.repository;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.lizsync.registry.model.Server;
import io.lizsync.registry.model.ServerKind;
import io.lizsync.registry.model.ServerStatus;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/** Queries of {@code registry.servers}. */
@ApplicationScoped
public class ServerRepository implements PanacheRepositoryBase<Server, UUID> {

    public Uni<Server> findByName(String name) {
        return find("name", name).firstResult();
    }

    public Uni<Boolean> existsByName(String name) {
        return count("name", name).map(n -> n > 0);
    }

    public Uni<Boolean> centralExists() {
        return count("kind", ServerKind.CENTRAL).map(n -> n > 0);
    }

    public Uni<Long> countChildren(UUID id) {
        return count("parentId", id);
    }

    /** Servers matching the optional filters (null = any), by name, rows {@code first..last} inclusive. */
    public Uni<List<Server>> list(ServerKind kind, UUID parentId, ServerStatus status, int first, int last) {
        List<String> where = new ArrayList<>();
        Parameters params = new Parameters();
        if (kind != null) {
            where.add("kind = :kind");
            params.and("kind", kind);
        }
        if (parentId != null) {
            where.add("parentId = :parentId");
            params.and("parentId", parentId);
        }
        if (status != null) {
            where.add("status = :status");
            params.and("status", status);
        }
        String query = String.join(" and ", where);
        Sort sort = Sort.by("name").and("id");
        return (query.isEmpty() ? findAll(sort) : find(query, sort, params)).range(first, last).list();
    }
}
