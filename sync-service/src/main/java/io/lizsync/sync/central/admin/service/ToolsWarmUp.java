package io.lizsync.sync.central.admin.service;

import io.agroal.api.AgroalDataSource;
import io.lizsync.sql.ToolsInstaller;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Resolves the tools' migrations once at start-up, in the background, so that the first status
 * call, install or deploy does not pay Flyway's classpath scan (about half a second).
 */
@jakarta.enterprise.context.ApplicationScoped
public class ToolsWarmUp {

    private static final Logger LOG = Logger.getLogger(ToolsWarmUp.class);

    void onStart(@Observes StartupEvent event, AgroalDataSource dataSource) {
        CompletableFuture.runAsync(() -> {
            try {
                LOG.debugf("tools versions of this build: %s", new ToolsInstaller(dataSource).availableVersions());
            } catch (RuntimeException e) {
                LOG.debugf("tools not resolved at start-up (%s); resolved at first use", e.getMessage());
            }
        });
    }
}
