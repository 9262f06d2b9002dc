package io.lizsync.registry.service;

import java.util.List;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/** Batch persist that accepts an empty list (Panache's combines the inserts and refuses none). */
final class Persist {

    private Persist() {
    }

    static <E> Uni<Void> all(PanacheRepositoryBase<E, ?> repository, List<E> entities) {
        return entities.isEmpty() ? Uni.createFrom().voidItem() : repository.persist(entities);
    }
}
