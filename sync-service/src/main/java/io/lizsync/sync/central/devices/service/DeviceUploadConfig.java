package io.lizsync.sync.central.devices.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Central role: how long device uploads' answers are kept for retries (ADR 0020). */
@ConfigMapping(prefix = "lizsync.sync.device-uploads")
public interface DeviceUploadConfig {

    /**
     * An upload's answer (and its Idempotency-Key) is kept this long after it was received: a
     * retry within it gets the first answer, a key older than it is a new upload
     * ({@code LIZSYNC_SYNC_DEVICE_UPLOADS_RETENTION}).
     */
    @WithDefault("168h")
    Duration retention();

    /**
     * Answers past the retention are deleted by an upload, at most once per this interval in each
     * central process ({@code LIZSYNC_SYNC_DEVICE_UPLOADS_PRUNE_INTERVAL}).
     */
    @WithDefault("1m")
    Duration pruneInterval();
}
