package io.lizsync.sync.central.devices.service;

import io.lizsync.sync.central.devices.repository.DeviceRepository;
import io.lizsync.sync.engine.TableRef;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

/** Devices' positions: an explicit confirmation, and forgetting a device (ADR 0020). */
@ApplicationScoped
public class PositionService {

    private final Pool pool;

    PositionService(Pool pool) {
        this.pool = pool;
    }

    /** Moves the device's position for the checkpoint's layer to it; returns that layer. */
    public TableRef confirm(String deviceId, String checkpoint) throws Exception {
        String device = DownloadTokens.deviceId(deviceId);
        if (checkpoint.isEmpty()) {
            throw new IllegalArgumentException("checkpoint: required (the last chunk of a complete answer carries it)");
        }
        var k = DownloadTokens.checkpoint(checkpoint, device);
        DeviceRepository.confirm(pool, k);
        return new TableRef(k.schema(), k.table());
    }

    /**
     * Drops every position of a device (no foreign key to registry's devices: the gateway calls
     * this when an administrator forgets one). A device that comes back starts with a reset.
     */
    public long forget(String deviceId) {
        return DeviceRepository.forget(pool, DownloadTokens.deviceId(deviceId));
    }
}
