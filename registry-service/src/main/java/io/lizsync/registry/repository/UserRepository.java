package io.lizsync.registry.repository;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.lizsync.registry.model.User;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/** Queries of {@code registry.users}. */
@ApplicationScoped
public class UserRepository implements PanacheRepositoryBase<User, UUID> {

    public Uni<User> findByLogin(String login) {
        return find("login", login).firstResult();
    }

    public Uni<List<User>> list(int first, int last) {
        return findAll(Sort.by("login").and("id")).range(first, last).list();
    }
}
