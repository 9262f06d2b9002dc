package io.lizsync.sync.central.registry;

import io.lizsync.sync.config.NodeRoles;
import io.lizsync.sync.config.SyncConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A central serving the exchange asks registry-service about every clone (ADR 0013): without its
 * token for registry it could let no clone in, so it does not start, and says what to give it.
 */
@ApplicationScoped
class RegistryTokenCheck {

    void onStart(@Observes StartupEvent event, SyncConfig config, NodeRoles roles) {
        if (!roles.isCentral() || !config.serve().contains(SyncConfig.Surface.exchange)) {
            return;
        }
        Path file = config.registry().tokenFile().orElseThrow(() -> new IllegalStateException(
                "central's exchange needs a token for registry-service, which checks every clone: set"
                        + " LIZSYNC_SYNC_REGISTRY_TOKEN_FILE (lizsync.sync.registry.token-file) to the file holding"
                        + " the API token that registry-service's LIZSYNC_REGISTRY_BOOTSTRAP_SERVICE_TOKEN_FILE names"));
        if (!Files.isReadable(file)) {
            throw new IllegalStateException("central's token file for registry-service " + file
                    + " is not readable (LIZSYNC_SYNC_REGISTRY_TOKEN_FILE)");
        }
    }
}
