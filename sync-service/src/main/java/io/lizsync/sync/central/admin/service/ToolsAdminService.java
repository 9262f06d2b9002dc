package io.lizsync.sync.central.admin.service;

import io.agroal.api.AgroalDataSource;
import io.lizsync.sql.Preparer;
import io.lizsync.sql.ToolsInstaller;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import org.jboss.logging.Logger;

/**
 * The tools administration of the database this sync-service serves: install, upgrade, prepare.
 * The rules live in the {@code sql} module (shared with the sidecar's deploy); this class runs
 * them on this service's datasource and logs what changed.
 */
@ApplicationScoped
public class ToolsAdminService {

    private static final Logger LOG = Logger.getLogger(ToolsAdminService.class);

    private final ToolsInstaller installer;
    private final Preparer preparer;

    ToolsAdminService(AgroalDataSource dataSource) {
        this.installer = new ToolsInstaller(dataSource);
        this.preparer = new Preparer(dataSource);
    }

    public ToolsInstaller.Outcome install(boolean overrideAudit, boolean overrideLizsync, String target)
            throws SQLException {
        var outcome = installer.install(overrideAudit, overrideLizsync, target);
        LOG.infof("install (override audit=%s, override lizsync=%s, target=%s): %s", overrideAudit, overrideLizsync,
                target, outcome.message());
        return outcome;
    }

    public ToolsInstaller.Outcome upgrade(boolean runIt) throws SQLException {
        var outcome = installer.upgrade(runIt);
        LOG.infof("upgrade (run it=%s): %s", runIt, outcome.message());
        return outcome;
    }

    public Preparer.Result prepare(Preparer.Request request) throws SQLException {
        var result = preparer.prepare(request);
        LOG.infof("prepare %s: %s", request.schemas(), result.message());
        return result;
    }

    public ToolsInstaller.Status status() throws SQLException {
        return installer.status();
    }
}
