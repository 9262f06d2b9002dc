package io.lizsync.registry.service;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.lizsync.registry.error.InvalidArgumentException;
import io.lizsync.registry.error.NotFoundException;
import io.lizsync.registry.error.PermissionDeniedException;
import io.lizsync.registry.model.Device;
import io.lizsync.registry.repository.DeviceRepository;
import io.lizsync.registry.repository.UserRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * Rules for mobile devices (seed 003): a device names itself by a UUID and registers idempotently
 * for one user; an administrator blocks, unblocks or forgets it.
 */
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
                        refuseIfNotFor(existing, userId);
                        if (!cleanName.isEmpty()) {
                            existing.name = cleanName;
                        }
                        if (userId != null) {
                            existing.userId = userId;
                        }
                        existing.lastSeenAt = now;
                        return Uni.createFrom().item(existing);
                    }
                    return registerNew(id, cleanName, userId);
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

    /**
     * The device {@code userId} is about to use: registered to that user when unknown, refused when
     * blocked or another user's; its last seen time refreshed at most once a minute.
     */
    @WithTransaction
    public Uni<Device> use(UUID id, String name, UUID userId) {
        String cleanName = Validation.text(name, "device name", 200);
        return devices.findById(id).chain(existing -> {
            var now = TimeSource.now();
            if (existing == null) {
                return users.findById(userId).chain(u -> {
                    if (u == null) {
                        throw new PermissionDeniedException("the caller is not a registered user: a device needs one");
                    }
                    return registerNew(id, cleanName, userId);
                });
            }
            refuseIfNotFor(existing, userId);
            if (existing.userId == null) {
                existing.userId = userId;
            }
            if (DeviceRules.seenIsStale(existing.lastSeenAt, now)) {
                existing.lastSeenAt = now;
            }
            return Uni.createFrom().item(existing);
        });
    }

    private Uni<Device> registerNew(UUID id, String name, UUID userId) {
        var now = TimeSource.now();
        Device d = new Device();
        d.id = id;
        d.name = name;
        d.userId = userId;
        d.registeredAt = now;
        d.lastSeenAt = now;
        return devices.persist(d);
    }

    /** Blocks (or unblocks) a device; blocking a blocked device keeps its first blocking time. */
    @WithTransaction
    public Uni<Device> setBlocked(UUID id, boolean blocked) {
        return get(id).map(d -> {
            if (!blocked) {
                d.blockedAt = null;
            } else if (d.blockedAt == null) {
                d.blockedAt = TimeSource.now();
            }
            return d;
        });
    }

    /** Forgets (deletes) a device and answers it as it was. */
    @WithTransaction
    public Uni<Device> forget(UUID id) {
        return get(id).call(devices::delete);
    }

    private static void refuseIfNotFor(Device d, UUID userId) {
        String refusal = DeviceRules.refusal(d, userId);
        if (refusal != null) {
            throw new PermissionDeniedException(refusal);
        }
    }
}
