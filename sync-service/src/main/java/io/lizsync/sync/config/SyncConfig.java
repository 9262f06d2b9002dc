package io.lizsync.sync.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Configuration of sync-service ({@code lizsync.sync.*}). */
@ConfigMapping(prefix = "lizsync.sync")
public interface SyncConfig {

    /** Role of this process: central (next to the central database) or clone (sidecar). */
    @WithDefault("central")
    Role role();

    /** The two roles of sync-service. */
    enum Role {
        central, clone
    }
}
