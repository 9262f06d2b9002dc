package io.lizsync.sql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Installs and upgrades the LizSync tools (schemas {@code audit} and {@code lizsync}) with the
 * forward-only migrations of this module. The installed version is Flyway's, kept in
 * {@code lizsync.tools_history}.
 */
public final class ToolsInstaller {

    /** Schema holding the version table. */
    public static final String TOOLS_SCHEMA = "lizsync";
    /** Flyway history table (in {@link #TOOLS_SCHEMA}). */
    public static final String HISTORY_TABLE = "tools_history";
    private static final String LOCATION = "classpath:db/lizsync";

    private final DataSource dataSource;

    public ToolsInstaller(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** What is installed and what could be. */
    public record Status(boolean auditExists, boolean lizsyncExists, String installedVersion,
            String latestVersion, List<String> pendingVersions, String serverId, String serverName) {
        public boolean installed() {
            return installedVersion != null;
        }
    }

    /**
     * Outcome of an install or upgrade, in the seed's terms: a status (true = 1) and a message,
     * plus the versions before and after.
     */
    public record Outcome(boolean ok, String message, String previousVersion, String installedVersion,
            List<String> appliedVersions, List<String> pendingVersions) {
        static Outcome refused(String message, Status status) {
            return new Outcome(false, message, status.installedVersion(), status.installedVersion(), List.of(),
                    status.pendingVersions());
        }
    }

    private Flyway flyway(String target) {
        return flyway(target, HISTORY_TABLE);
    }

    private Flyway flyway(String target, String historyTable) {
        var config = Flyway.configure(ToolsInstaller.class.getClassLoader())
                .dataSource(dataSource)
                .schemas(TOOLS_SCHEMA)
                .defaultSchema(TOOLS_SCHEMA)
                .createSchemas(true)
                .table(historyTable)
                .locations(LOCATION)
                .placeholderReplacement(false)
                .validateMigrationNaming(true)
                .cleanDisabled(true);
        if (target != null && !target.isBlank()) {
            config.target(MigrationVersion.fromVersion(target));
        }
        return config.load();
    }

    /** A migration of this build, as Flyway resolves it from the classpath. */
    private record Resolved(MigrationVersion version, String description, String type, String script, Integer checksum) {
    }

    /** The migrations on the classpath never change while the JVM runs: resolved once. */
    private static volatile List<Resolved> resolved;

    private List<Resolved> resolved() {
        List<Resolved> r = resolved;
        if (r == null) {
            // Against a history table that does not exist Flyway lists every resolved migration as
            // pending, with its checksum; it reads the catalog and writes nothing.
            List<Resolved> out = new ArrayList<>();
            for (MigrationInfo m : flyway(null, HISTORY_TABLE + "_probe_never_created").info().pending()) {
                if (m.getVersion() != null) {
                    out.add(new Resolved(m.getVersion(), m.getDescription(), m.getType().name(), m.getScript(),
                            m.getChecksum()));
                }
            }
            resolved = r = List.copyOf(out);
        }
        return r;
    }

    /** Versions this build can install, oldest first. */
    public List<String> availableVersions() {
        return resolved().stream().map(m -> m.version().getVersion()).distinct().toList();
    }

    public Status status() throws SQLException {
        boolean audit;
        boolean lizsync;
        boolean history;
        String serverId = null;
        String serverName = null;
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("""
                        SELECT to_regnamespace('audit') IS NOT NULL,
                               to_regnamespace('lizsync') IS NOT NULL,
                               to_regclass('lizsync.tools_history') IS NOT NULL""")) {
            rs.next();
            audit = rs.getBoolean(1);
            lizsync = rs.getBoolean(2);
            history = rs.getBoolean(3);
        }
        if (history) {
            try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT to_regclass('lizsync.server_metadata') IS NOT NULL")) {
                rs.next();
                if (rs.getBoolean(1)) {
                    try (ResultSet r2 = st.executeQuery(
                            "SELECT server_id::text, server_name FROM lizsync.server_metadata LIMIT 1")) {
                        if (r2.next()) {
                            serverId = r2.getString(1);
                            serverName = r2.getString(2);
                        }
                    }
                }
            }
        }
        List<String> available = availableVersions();
        String latest = available.isEmpty() ? null : available.get(available.size() - 1);
        if (!history) {
            return new Status(audit, lizsync, null, latest, available, null, null);
        }
        // Flyway's own history, read directly (Flyway's info() costs a classpath scan per call).
        String installed = null;
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT version FROM " + Sql.qualified(TOOLS_SCHEMA, HISTORY_TABLE)
                        + " WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1")) {
            if (rs.next()) {
                installed = rs.getString(1);
            }
        }
        MigrationVersion current = installed == null ? null : MigrationVersion.fromVersion(installed);
        List<String> pending = resolved().stream()
                .filter(m -> current == null || m.version().compareTo(current) > 0)
                .map(m -> m.version().getVersion())
                .toList();
        return new Status(audit, lizsync, installed, latest, pending, serverId, serverName);
    }

    /**
     * Drops the given tools schemas (CASCADE: the audit triggers of user tables go with
     * {@code audit}). The caller decides whether the user allowed it.
     */
    private void drop(boolean audit, boolean lizsync) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            if (audit) {
                st.execute("DROP SCHEMA IF EXISTS audit CASCADE");
            }
            if (lizsync) {
                st.execute("DROP SCHEMA IF EXISTS lizsync CASCADE");
            }
            c.commit();
        }
    }

    /**
     * Installs the tools (seed: "Install Lizsync tools on the central database"). Refuses when
     * {@code audit} or {@code lizsync} exists and its override flag is false; with the flag, drops
     * that schema and all its data first. Installs up to {@code target} (null: the latest).
     */
    public Outcome install(boolean overrideAudit, boolean overrideLizsync, String target) throws SQLException {
        Status before = status();
        if (target != null && !target.isBlank() && !availableVersions().contains(target)) {
            return Outcome.refused("Unknown tools version '" + target + "'; available: " + availableVersions(), before);
        }
        List<String> refusals = new ArrayList<>();
        if (before.auditExists() && !overrideAudit) {
            refusals.add("schema audit already exists (set override audit to drop it and all its data)");
        }
        if (before.lizsyncExists() && !overrideLizsync) {
            refusals.add("schema lizsync already exists (set override lizsync to drop it and all its data)");
        }
        if (!refusals.isEmpty()) {
            return Outcome.refused("Installation refused: " + String.join("; ", refusals) + ". Nothing was changed.",
                    before);
        }
        List<String> dropped = new ArrayList<>();
        if (before.auditExists()) {
            dropped.add("audit");
        }
        if (before.lizsyncExists()) {
            dropped.add("lizsync");
        }
        drop(before.auditExists(), before.lizsyncExists());
        MigrateResult result = flyway(target).migrate();
        Status after = status();
        String message = (dropped.isEmpty() ? "" : "Dropped schema(s) " + String.join(", ", dropped) + ". ")
                + "LizSync tools installed, version " + after.installedVersion() + ".";
        return new Outcome(true, message, before.installedVersion(), after.installedVersion(), versions(result),
                after.pendingVersions());
    }

    /**
     * Applies every migration newer than the installed version, in order (seed: "Upgrade LizSync
     * tools"). Without {@code runIt} nothing changes: the pending versions are reported.
     */
    public Outcome upgrade(boolean runIt) throws SQLException {
        Status before = status();
        if (!before.installed()) {
            return Outcome.refused("LizSync tools are not installed in this database: run the installation first.",
                    before);
        }
        if (before.pendingVersions().isEmpty()) {
            return new Outcome(true, "LizSync tools are up to date (version " + before.installedVersion() + ").",
                    before.installedVersion(), before.installedVersion(), List.of(), List.of());
        }
        if (!runIt) {
            return Outcome.refused("Nothing done: set run it to upgrade from version " + before.installedVersion()
                    + " with " + before.pendingVersions() + ".", before);
        }
        MigrateResult result = flyway(null).migrate();
        Status after = status();
        return new Outcome(true, "LizSync tools upgraded from version " + before.installedVersion() + " to "
                + after.installedVersion() + ".", before.installedVersion(), after.installedVersion(),
                versions(result), after.pendingVersions());
    }

    /**
     * Installs the tools inside the caller's open transaction on {@code c}, dropping any previous
     * {@code audit} and {@code lizsync} schemas first (a package deploy: the clone's previous log
     * goes, and nothing is visible to others until the caller commits; a rollback restores the
     * previous tools untouched). Runs the same migration files Flyway runs, in order, and writes
     * the same history rows Flyway would (checksums computed by Flyway itself), so that a later
     * {@link #upgrade} on this database continues normally. Installs up to {@code target}.
     *
     * @return the installed version
     */
    public String installWithin(Connection c, String target) throws SQLException {
        List<Resolved> migrations = upTo(target);
        String installed = null;
        try (Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS audit CASCADE");
            st.execute("DROP SCHEMA IF EXISTS lizsync CASCADE");
            st.execute("CREATE SCHEMA lizsync");
            String history = Sql.qualified(TOOLS_SCHEMA, HISTORY_TABLE);
            st.execute("CREATE TABLE " + history + " (installed_rank integer NOT NULL, version varchar(50), "
                    + "description varchar(200) NOT NULL, type varchar(20) NOT NULL, script varchar(1000) NOT NULL, "
                    + "checksum integer, installed_by varchar(100) NOT NULL, "
                    + "installed_on timestamp NOT NULL DEFAULT now(), execution_time integer NOT NULL, "
                    + "success boolean NOT NULL, CONSTRAINT " + Sql.ident(HISTORY_TABLE + "_pk")
                    + " PRIMARY KEY (installed_rank))");
            st.execute("CREATE INDEX " + Sql.ident(HISTORY_TABLE + "_s_idx") + " ON " + history + " (success)");
            String insert = "INSERT INTO " + history + " (installed_rank, version, description, type, script, checksum, "
                    + "installed_by, execution_time, success) VALUES (?, ?, ?, ?, ?, ?, current_user, ?, true)";
            try (var ps = c.prepareStatement(insert)) {
                ps.setInt(1, 0);
                ps.setString(2, null);
                ps.setString(3, "<< Flyway Schema Creation >>");
                ps.setString(4, "SCHEMA");
                ps.setString(5, Sql.ident(TOOLS_SCHEMA));
                ps.setObject(6, null);
                ps.setInt(7, 0);
                ps.addBatch();
                int rank = 1;
                for (Resolved m : migrations) {
                    long started = System.nanoTime();
                    // One round trip per migration (its search_path set and reset with it); the history
                    // rows go in one batch at the end: a deploy runs every migration, each round trip
                    // counts on a busy machine.
                    st.execute("SET LOCAL search_path = " + Sql.ident(TOOLS_SCHEMA) + ";\n" + migrationText(m.script())
                            + "\n;\nSET LOCAL search_path = DEFAULT");
                    ps.setInt(1, rank++);
                    ps.setString(2, m.version().getVersion());
                    ps.setString(3, m.description());
                    ps.setString(4, m.type());
                    ps.setString(5, m.script());
                    ps.setObject(6, m.checksum());
                    ps.setInt(7, (int) ((System.nanoTime() - started) / 1_000_000));
                    ps.addBatch();
                    installed = m.version().getVersion();
                }
                ps.executeBatch();
            }
        }
        return installed;
    }

    /**
     * How a deploy put the tools in place: reset or installed afresh, and why; for a reset, the
     * tables it emptied (those holding rows or with a moved identity, and the reseeded ones).
     */
    public record WithinOutcome(String version, ToolsReset.Plan plan, List<String> emptied) {
    }

    /**
     * Puts the package's tools in place inside the caller's open transaction: when the clone has
     * exactly the migrations up to {@code target} installed, resets their state ({@link ToolsReset}:
     * the clone's log, positions, conflicts … emptied, seeded rows put back, the capture triggers
     * dropped, as a fresh install leaves them); otherwise {@link #installWithin} (drop and re-create).
     */
    public WithinOutcome resetOrInstallWithin(Connection c, String target) throws SQLException {
        List<Resolved> migrations = upTo(target);
        ToolsReset.Found found = ToolsCatalogReader.read(c);
        ToolsReset.Plan plan = ToolsReset.decide(
                migrations.stream().map(m -> new ToolsReset.Migration(m.version().getVersion(), m.checksum())).toList(),
                found);
        if (!plan.reset()) {
            return new WithinOutcome(installWithin(c, target), plan, List.of());
        }
        // Only the tables holding rows (or with a moved identity) are truncated: a TRUNCATE makes new
        // files for each table, index and TOAST table, and most tools tables of a clone are empty.
        java.util.Set<String> used = ToolsCatalogReader.dropLockAndLook(c, plan, found.sequences());
        try (Statement st = c.createStatement()) {
            st.execute(ToolsReset.emptying(plan, used));
        }
        return new WithinOutcome(migrations.get(migrations.size() - 1).version().getVersion(), plan,
                ToolsReset.emptied(plan, used));
    }

    private List<Resolved> upTo(String target) {
        if (target != null && !target.isBlank() && !availableVersions().contains(target)) {
            throw new IllegalArgumentException("unknown tools version '" + target + "'; this build has "
                    + availableVersions());
        }
        MigrationVersion upTo = target == null || target.isBlank() ? null : MigrationVersion.fromVersion(target);
        return resolved().stream().filter(m -> upTo == null || m.version().compareTo(upTo) <= 0).toList();
    }

    private static String migrationText(String script) throws SQLException {
        String resource = LOCATION.substring("classpath:".length()) + "/" + script;
        try (var in = ToolsInstaller.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new SQLException("migration " + resource + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new SQLException("cannot read migration " + resource, e);
        }
    }

    private static List<String> versions(MigrateResult result) {
        return result.migrations.stream().map(m -> m.version).filter(v -> v != null && !v.isBlank()).toList();
    }
}
