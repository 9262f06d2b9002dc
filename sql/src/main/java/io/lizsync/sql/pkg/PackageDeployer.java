package io.lizsync.sql.pkg;

import io.lizsync.sql.Sql;
import io.lizsync.sql.ToolsInstaller;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Deploys a package on a clone database (seed 002, "Deploy a database package to the clone"), in
 * one transaction: the packaged tables are replaced, the tools reset or re-installed (the previous
 * local log goes, ADR 0024), the clone keeps its server id (or gets a new one), its cursor is set to the package's
 * position and the additional SQL runs (as a configured role, when there is one); then it
 * commits. A failure anywhere, including a killed process or a dropped connection, leaves the
 * clone exactly as it was. Only archives whose signature was checked when they were opened
 * ({@link PackageArchive#open(java.nio.file.Path, PackageArchive.Limits, PackageSignature.Verifier)})
 * are deployed.
 */
public final class PackageDeployer {

    /** Largest structure or additional SQL entry read into memory. */
    static final long MAX_SCRIPT_BYTES = 256L * 1024 * 1024;

    /**
     * How to deploy.
     *
     * @param maintenanceWorkMem memory for the index builds of the deploy transaction (for example
     *                           "256MB"); null keeps the server's setting
     * @param additionalSqlRole  role the additional SQL runs as ({@code SET LOCAL ROLE}); null runs it
     *                           as the deploying login
     */
    public record Options(boolean force, boolean newServerId, String cloneName, String maintenanceWorkMem,
            String additionalSqlRole) {
        public Options(boolean force, boolean newServerId, String cloneName) {
            this(force, newServerId, cloneName, null, null);
        }
    }

    /** What central says of itself; null when it could not be reached (offline deploy). */
    public record Central(String serverId, String toolsVersion) {
    }

    /** Where the clone stands before a deploy. */
    public record CloneState(boolean toolsInstalled, String toolsVersion, String cloneId, String cloneName,
            String centralId, Long tickId, String packageId, long unsyncedEdits) {
    }

    /** A finished deploy. */
    public record Result(String cloneId, String cloneName, boolean keptServerId, long discardedEdits,
            List<TableName> tables, long rows, String message) {
    }

    private final DataSource dataSource;
    private final ToolsInstaller installer;

    public PackageDeployer(DataSource dataSource) {
        this.dataSource = dataSource;
        this.installer = new ToolsInstaller(dataSource);
    }

    public CloneState state() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            boolean tools;
            try (ResultSet rs = st.executeQuery("SELECT to_regclass('lizsync.clone_state') IS NOT NULL "
                    + "AND to_regclass('lizsync.server_metadata') IS NOT NULL AND to_regclass('audit.logged_actions') IS NOT NULL "
                    + "AND to_regprocedure('lizsync.tools_version()') IS NOT NULL")) {
                rs.next();
                tools = rs.getBoolean(1);
            }
            if (!tools) {
                return new CloneState(false, null, null, null, null, null, null, 0);
            }
            String version;
            try (ResultSet rs = st.executeQuery("SELECT lizsync.tools_version()")) {
                rs.next();
                version = rs.getString(1);
            }
            long edits;
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM audit.logged_actions")) {
                rs.next();
                edits = rs.getLong(1);
            }
            try (ResultSet rs = st.executeQuery("""
                    SELECT m.server_id::text, m.server_name, s.central_id::text, s.last_tick_id, s.package_id::text
                    FROM lizsync.server_metadata m LEFT JOIN lizsync.clone_state s ON s.clone_id = m.server_id
                    WHERE m.server_role = 'clone' LIMIT 1""")) {
                if (!rs.next()) {
                    return new CloneState(true, version, null, null, null, null, null, edits);
                }
                long tick = rs.getLong(4);
                return new CloneState(true, version, rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.wasNull() ? null : tick, rs.getString(5), edits);
            }
        }
    }

    /**
     * Checks, then deploys. Refusals come before anything is touched.
     *
     * @param central central's identity and tools version, or null when central is unreachable
     */
    public Result deploy(PackageArchive archive, Options options, Central central, Progress progress)
            throws PackageRefusedException, SQLException, IOException {
        if (archive.signedBy() == null) {
            throw new IllegalArgumentException("the package archive was opened without checking its signature");
        }
        PackageManifest m = archive.manifest();
        progress.report("check", 1, "checking package " + m.packageId() + " against this clone", null, 0);
        List<String> available = installer.availableVersions();
        if (!available.contains(m.toolsVersion())) {
            throw new PackageRefusedException("the package was made with LizSync tools version " + m.toolsVersion()
                    + " and this sync-service installs " + available + ": create a new package or update the sidecar");
        }
        if (central != null) {
            if (!m.centralServerId().equals(central.serverId())) {
                throw new PackageRefusedException("the package comes from another central (package: "
                        + m.centralServerId() + ", this sidecar's central: " + central.serverId() + ")");
            }
            if (!m.toolsVersion().equals(central.toolsVersion())) {
                throw new PackageRefusedException("central now has LizSync tools version " + central.toolsVersion()
                        + " and the package was made with version " + m.toolsVersion() + ": create a new package");
            }
        }
        String role = options.additionalSqlRole() == null || options.additionalSqlRole().isBlank() ? null
                : options.additionalSqlRole();
        if (role != null && m.hasAdditionalSql()) {
            try (Connection c = dataSource.getConnection()) {
                AdditionalSqlRole.check(c, role);
            }
        }
        CloneState before = state();
        long discarded = 0;
        List<String> forced = new ArrayList<>();
        if (before.centralId() != null && !before.centralId().equals(m.centralServerId())) {
            if (!options.force()) {
                throw new PackageRefusedException("this clone belongs to central " + before.centralId()
                        + " and the package comes from central " + m.centralServerId() + " (force to switch)");
            }
            forced.add("switched from central " + before.centralId());
        }
        // A clone that synchronised past the package goes back to it: central sends again what came
        // after the package's snapshot, the clone's own pushed edits included (its echo horizon,
        // ADR 0015 "Syncing first"), so nothing is lost and no force is needed.
        String wentBack = before.centralId() != null && before.centralId().equals(m.centralServerId())
                && before.tickId() != null && before.tickId() > m.tickId()
                ? "; went back from central position " + before.tickId() + " to " + m.tickId()
                        + " (central sends what came since at the next sync)" : "";
        if (before.unsyncedEdits() > 0) {
            if (!options.force()) {
                throw new PackageRefusedException("this clone holds " + before.unsyncedEdits() + " unsynced edit(s) that "
                        + "a deploy would discard: synchronise first, or force to discard them");
            }
            discarded = before.unsyncedEdits();
            forced.add("discarded " + discarded + " unsynced edit(s)");
        }
        boolean keep = before.cloneId() != null && !options.newServerId();
        String cloneId = keep ? before.cloneId() : UUID.randomUUID().toString();
        String cloneName = options.cloneName() != null && !options.cloneName().isBlank() ? options.cloneName()
                : before.cloneName() != null ? before.cloneName() : "clone-" + cloneId.substring(0, 8);

        List<TableName> tables = new ArrayList<>();
        m.tables().forEach(t -> tables.add(new TableName(t.schema(), t.table())));
        long rows = 0;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            boolean committed = false;
            try (Statement st = c.createStatement()) {
                st.execute("SET LOCAL lizsync.capture = 'off'");
                if (options.maintenanceWorkMem() != null && !options.maintenanceWorkMem().isBlank()) {
                    try (PreparedStatement ps = c.prepareStatement("SELECT set_config('maintenance_work_mem', ?, true)")) {
                        ps.setString(1, options.maintenanceWorkMem());
                        ps.execute();
                    }
                }
                progress.report("tools", 5, "installing LizSync tools version " + m.toolsVersion(), null, 0);
                ToolsInstaller.WithinOutcome tools = installer.resetOrInstallWithin(c, m.toolsVersion());
                progress.report("tools", 6, tools.plan().reset()
                        ? "reset the LizSync tools' state (" + tools.plan().reason() + "; emptied " + tools.emptied().size()
                                + " of " + (tools.plan().cleared().size() + tools.plan().reseeded().size()) + " tables)"
                        : "installed LizSync tools version " + tools.version() + " afresh (" + tools.plan().reason() + ")",
                        null, 0);
                progress.report("replace", 8, "dropping the previous packaged tables", null, 0);
                if (m.mode().equals("schemas")) {
                    for (String s : m.schemas()) {
                        reserved(s);
                        st.execute("DROP SCHEMA IF EXISTS " + Sql.ident(s) + " CASCADE");
                    }
                } else {
                    for (TableName t : tables) {
                        reserved(t.schema());
                        st.execute("DROP TABLE IF EXISTS " + t.qualified() + " CASCADE");
                    }
                }
                for (String e : m.extensions()) {
                    st.execute("CREATE EXTENSION IF NOT EXISTS " + Sql.ident(e) + " CASCADE");
                }
                progress.report("structure", 10, "creating the schemas and tables", null, 0);
                script(c, archive, PackageManifest.PRE_DATA, "the package structure");
                // pg_dump's script empties the search_path; type names (format_type) depend on it.
                st.execute("SET search_path TO DEFAULT");
                for (PackageManifest.Table t : m.tables()) {
                    TableShapes.Shape shape = TableShapes.shape(c, t.schema(), t.table());
                    if (!shape.fingerprint().equals(t.fingerprint())) {
                        throw new PackageRefusedException("table " + t.schema() + "." + t.table() + " does not have the "
                                + "packaged structure after creation (" + shape.descriptions() + ")");
                    }
                }
                CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
                long total = Math.max(1, m.tables().stream().mapToLong(PackageManifest.Table::rowCount).sum());
                for (PackageManifest.Table t : m.tables()) {
                    TableName name = new TableName(t.schema(), t.table());
                    progress.report("data", 12 + (int) (75 * rows / total), "loading " + name, name, 0);
                    long n;
                    // The table was created by this transaction: FREEZE writes its rows frozen at
                    // once (no later rewrite of every page by vacuum); not for partitioned tables.
                    String freeze = ordinaryTable(c, name) ? " WITH (FREEZE)" : "";
                    try (InputStream in = new PipelinedInputStream(archive.open(t.dataEntry()), 1024 * 1024, 4)) {
                        n = copy.copyIn("COPY " + name.qualified() + " " + TableShapes.columnList(t.columns())
                                + " FROM STDIN" + freeze, in, 1024 * 1024);
                    }
                    if (n != t.rowCount()) {
                        throw new PackageFormatException("table " + name + ": " + n + " row(s) loaded, the manifest says "
                                + t.rowCount());
                    }
                    rows += n;
                    progress.report("data", 12 + (int) (75 * rows / total), "loaded " + n + " row(s) of " + name, name, n);
                }
                progress.report("structure", 88, "creating indexes, constraints and triggers", null, 0);
                script(c, archive, PackageManifest.POST_DATA, "the package indexes, constraints and triggers");
                st.execute("SET search_path TO DEFAULT");
                try (PreparedStatement ps = c.prepareStatement("SELECT audit.audit_table(?, ?, 'uid')")) {
                    for (TableName t : tables) {
                        ps.setString(1, t.schema());
                        ps.setString(2, t.table());
                        ps.execute();
                    }
                }
                progress.report("identity", 94, "recording the clone's identity and position", null, 0);
                identity(c, cloneId, cloneName, m, tables);
                if (m.hasAdditionalSql()) {
                    progress.report("additional", 96, "running the additional SQL file"
                            + (role == null ? "" : " as role " + role), null, 0);
                    try {
                        if (role != null) {
                            AdditionalSqlRole.enter(c, role);
                        }
                        script(c, archive, PackageManifest.ADDITIONAL_SQL, "the additional SQL file");
                        if (role != null) {
                            AdditionalSqlRole.leave(c, role);
                        }
                    } catch (SQLException e) {
                        throw new PackageRefusedException("the additional SQL file of the package failed, nothing was "
                                + "deployed: " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
                    }
                }
                c.commit();
                committed = true;
            } catch (PackageFormatException e) {
                throw new IOException(e.getMessage(), e);
            } catch (IOException e) {
                // An entry whose bytes are not those of the signed manifest is a bad package, said
                // as such, not a failure of this machine.
                for (Throwable t = e; t != null; t = t.getCause()) {
                    if (t instanceof PackageArchive.EntryCheckException bad) {
                        throw new IOException(bad.getMessage(), new PackageFormatException(bad.getMessage(), e));
                    }
                }
                throw e;
            } finally {
                if (!committed) {
                    safeRollback(c);
                }
                try (Statement st = c.createStatement()) {
                    c.setAutoCommit(true);
                    st.execute("RESET ALL");
                } catch (SQLException ignored) {
                    // a broken connection is discarded by the pool
                }
            }
        }
        String message = "package " + m.packageId() + " deployed: " + tables.size() + " table(s), " + rows
                + " row(s), clone " + cloneId + (keep ? " (kept its id)" : " (new id)")
                + wentBack + (forced.isEmpty() ? "" : "; forced: " + String.join(", ", forced));
        progress.report("done", 100, message, null, 0);
        return new Result(cloneId, cloneName, keep, discarded, tables, rows, message);
    }

    private static boolean ordinaryTable(Connection c, TableName t) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT relkind = 'r' FROM pg_class WHERE oid = ?::regclass")) {
            ps.setString(1, t.qualified());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static void identity(Connection c, String cloneId, String cloneName, PackageManifest m,
            List<TableName> tables) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO lizsync.server_metadata (server_id, server_name, "
                + "server_role) VALUES (?::uuid, ?, 'clone')")) {
            ps.setString(1, cloneId);
            ps.setString(2, cloneName);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO lizsync.clone_state (clone_id, clone_name, "
                + "central_id, last_tick_id, package_id) VALUES (?::uuid, ?, ?::uuid, ?, ?::uuid)")) {
            ps.setString(1, cloneId);
            ps.setString(2, cloneName);
            ps.setString(3, m.centralServerId());
            ps.setLong(4, m.tickId());
            ps.setString(5, m.packageId());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO lizsync.synchronized_tables (server_id, "
                + "schema_name, table_name) VALUES (?::uuid, ?, ?)")) {
            for (TableName t : tables) {
                ps.setString(1, cloneId);
                ps.setString(2, t.schema());
                ps.setString(3, t.table());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void script(Connection c, PackageArchive archive, String entry, String what)
            throws SQLException, IOException, PackageFormatException {
        PackageManifest.Entry e = archive.manifest().entries().stream().filter(x -> x.name().equals(entry))
                .findFirst().orElseThrow(() -> new PackageFormatException("the package has no entry " + entry));
        if (e.size() > MAX_SCRIPT_BYTES) {
            throw new PackageFormatException("entry " + entry + " is larger than " + MAX_SCRIPT_BYTES + " bytes");
        }
        String sql;
        try (InputStream in = archive.open(entry)) {
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (sql.isBlank()) {
            return;
        }
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException ex) {
            throw new SQLException(what + " failed on the clone: " + ex.getMessage(), ex.getSQLState(), ex);
        }
    }

    private static void reserved(String schema) throws PackageFormatException {
        if (Sql.isReservedSchema(schema)) {
            throw new PackageFormatException("the package names reserved schema " + schema);
        }
    }

    private static void safeRollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the server rolls back a transaction whose connection is gone
        }
    }
}
