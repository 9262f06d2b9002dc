package io.lizsync.sync.clone.service;

import io.agroal.api.AgroalDataSource;
import io.lizsync.qgis.AdaptReport;
import io.lizsync.qgis.PgTarget;
import io.lizsync.qgis.StoredProjects;
import io.lizsync.sync.config.SyncConfig;
import io.lizsync.sync.engine.NetChange;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The QGIS projects a clone receives inside PostgreSQL ({@code qgis_projects} tables, ADR 0023),
 * adapted to the clone's database right after the pull or deploy that wrote them, when the sidecar
 * is configured with both targets ({@code lizsync.sync.qgis-projects-central} and {@code -clone}).
 * The rewrite runs in its own local transaction with capture off ({@code lizsync.capture = 'off'},
 * as a pull's replay: the audit trigger's WHEN condition skips the rows), so it is never taken for
 * a local edit and never goes back to central. A project that cannot be read is left as received
 * and logged; a failure here never fails the sync or the deploy that came before. A project saved
 * on the clone goes to central with central's connection ({@link #towardsCentral}).
 */
@ApplicationScoped
public class StoredProjectsSync {

    private static final Logger LOG = Logger.getLogger(StoredProjectsSync.class);

    private final AgroalDataSource dataSource;
    private final PgTarget central;
    private final PgTarget clone;
    private final StoredProjects stored = new StoredProjects();

    StoredProjectsSync(SyncConfig config, AgroalDataSource dataSource) {
        this.dataSource = dataSource;
        if (config.qgisProjectsCentral().isPresent() != config.qgisProjectsClone().isPresent()) {
            throw new IllegalArgumentException("lizsync.sync.qgis-projects-central and -clone go together: give both or neither");
        }
        this.central = config.qgisProjectsCentral().map(t -> parse("lizsync.sync.qgis-projects-central", t)).orElse(null);
        this.clone = config.qgisProjectsClone().map(t -> parse("lizsync.sync.qgis-projects-clone", t)).orElse(null);
    }

    private static PgTarget parse(String key, String value) {
        try {
            return PgTarget.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage());
        }
    }

    public boolean enabled() {
        return central != null;
    }

    /** After a pull: the projects of these schemas' {@code qgis_projects} tables. */
    public void afterPull(Collection<String> schemas) {
        if (enabled() && !schemas.isEmpty()) {
            run("pull", schemas);
        }
    }

    /**
     * The push's sink, with the clone's stored projects turned back to central's connection on
     * their way ({@link StoredProjectPush}); the sink itself when no targets are configured.
     */
    public Consumer<NetChange> towardsCentral(Consumer<NetChange> sink) {
        if (!enabled()) {
            return sink;
        }
        return change -> sink.accept(StoredProjectPush.towardsCentral(change, clone, central, LOG::warn));
    }

    /** After a deploy: every schema's {@code qgis_projects} table. */
    public void afterDeploy() {
        if (enabled()) {
            run("deploy", null);
        }
    }

    private void run(String after, Collection<String> schemas) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (Statement s = c.createStatement()) {
                    s.execute("SET LOCAL lizsync.capture = 'off'");
                }
                List<String> present = stored.schemasWithProjects(c);
                int adapted = 0;
                int rewritten = 0;
                for (String schema : present) {
                    if (schemas != null && !schemas.contains(schema)) {
                        continue;
                    }
                    AdaptReport r = stored.adaptSchema(c, schema, central, clone);
                    adapted += r.projectsAdapted().size();
                    rewritten += r.dataSourcesRewritten();
                    r.skipped().forEach(k -> LOG.warnf("stored QGIS project %s left as received: %s", k.file(), k.reason()));
                }
                c.commit();
                if (adapted > 0) {
                    LOG.infof("after the %s: %d stored QGIS project(s) adapted to this clone (%d data sources)", after,
                            adapted, rewritten);
                }
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("after the %s: the stored QGIS projects could not be adapted: %s", after, e.getMessage());
        }
    }
}
