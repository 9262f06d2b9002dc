package io.lizsync.registry.service;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.lizsync.registry.error.InvalidArgumentException;
import io.lizsync.registry.error.NotFoundException;
import io.lizsync.registry.model.Device;
import io.lizsync.registry.repository.DeviceRepository;
import io.lizsync.registry.repository.UserRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/** Rules for mobile devices (seed 003): a device names itself by a UUID and registers idempotently. */
@ApplicationScoped
public class DeviceService {

    private final DeviceRepository devices;
    private final UserRepository users;

    public DeviceService(DeviceRepository devices, UserRepository users) {
        this.devices = devices;
        this.users = users;
    }

    /** Registers a device, or refreshes its name, owner and last-seen time when it is known. */
    @WithTransaction
    public Uni<Device> register(UUID id, String name, UUID userId) {
        String cleanName = Validation.text(name, "device name", 200);
        Uni<Void> userCheck = userId == null ? Uni.createFrom().voidItem()
                : users.findById(userId).invoke(u -> {
                    if (u == null) {
                        throw new InvalidArgumentException("user " + userId + " does not exist");
                    }
                }).replaceWithVoid();
        return userCheck
                .chain(() -> devices.findById(id))
                .chain(existing -> {
                    var now = TimeSource.now();
                    if (existing != null) {
                        if (!cleanName.isEmpty()) {
                            existing.name = cleanName;
                        }
                        if (userId != null) {
                            existing.userId = userId;
                        }
                        existing.lastSeenAt = now;
                        return Uni.createFrom().item(existing);
                    }
                    Device d = new Device();
                    d.id = id;
                    d.name = cleanName;
                    d.userId = userId;
                    d.registeredAt = now;
                    d.lastSeenAt = now;
                    return devices.persist(d);
                });
    }

    @WithSession
    public Uni<PageRequest.Page<Device>> list(UUID userId, PageRequest page) {
        return devices.list(userId, page.offset(), page.lastIndexInclusive()).map(page::toPage);
    }

    @WithSession
    public Uni<Device> get(UUID id) {
        return devices.findById(id).invoke(d -> {
            if (d == null) {
                throw new NotFoundException("device " + id + " not found");
            }
        });
    }
}
