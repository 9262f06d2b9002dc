package io.lizsync.registry.repository;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.lizsync.registry.model.Device;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/** Queries of {@code registry.devices}. */
@ApplicationScoped
public class DeviceRepository implements PanacheRepositoryBase<Device, UUID> {

    /** Devices of one user (or all when null), oldest registration first, rows {@code first..last}. */
    public Uni<List<Device>> list(UUID userId, int first, int last) {
        Sort sort = Sort.by("registeredAt").and("id");
        return (userId == null ? findAll(sort) : find("userId", sort, userId)).range(first, last).list();
    }
}
