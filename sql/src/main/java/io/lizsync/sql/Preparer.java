package io.lizsync.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Prepares the tables of chosen schemas for synchronisation (seed: "Prepare the central
 * database"): server id, {@code uid} pivot column, audit trigger. Idempotent. Each table is
 * prepared in its own transaction, so one refused or failing table leaves the others done.
 * Schema and table names are bound as values in catalog queries and quoted in DDL.
 */
public final class Preparer {

    /** What to add; the seed's ADD_SERVER_ID, ADD_UID_COLUMNS, ADD_AUDIT_TRIGGERS and SCHEMAS. */
    public record Request(boolean addServerId, boolean addUidColumns, boolean addAuditTriggers,
            List<String> schemas, String serverName) {
    }

    /** Outcome of one table. */
    public enum Outcome {
        PREPARED, ALREADY_PREPARED, REFUSED
    }

    /** What happened to one table. */
    public record TableResult(String schema, String table, Outcome outcome, boolean uidColumnAdded,
            long uidValuesFilled, boolean auditTriggerAdded, String refusalReason) {
        static TableResult refused(String schema, String table, String reason) {
            return new TableResult(schema, table, Outcome.REFUSED, false, 0, false, reason);
        }
    }

    /** A requested schema that was not processed. */
    public record SchemaRefusal(String schema, String reason) {
    }

    /** Everything prepare did. {@code ok} is the seed's status. */
    public record Result(boolean ok, String message, String serverId, List<TableResult> tables,
            List<SchemaRefusal> refusedSchemas) {
    }

    private final DataSource dataSource;

    public Preparer(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Result prepare(Request request) throws SQLException {
        if (request.schemas() == null || request.schemas().isEmpty()) {
            throw new IllegalArgumentException("at least one schema is needed");
        }
        try (Connection c = dataSource.getConnection()) {
            if (!toolsInstalled(c)) {
                return new Result(false, "LizSync tools are not installed in this database: run the installation first.",
                        "", List.of(), List.of());
            }
            String serverId = request.addServerId() ? ensureServerId(c, request.serverName()) : currentServerId(c);
            List<SchemaRefusal> refusedSchemas = new ArrayList<>();
            List<TableResult> tables = new ArrayList<>();
            for (String schema : new LinkedHashSet<>(request.schemas())) {
                if (schema == null || schema.isEmpty()) {
                    refusedSchemas.add(new SchemaRefusal(String.valueOf(schema), "an empty schema name"));
                } else if (Sql.isReservedSchema(schema)) {
                    refusedSchemas.add(new SchemaRefusal(schema,
                            "schema " + schema + " is never processed (public, lizsync, audit and system schemas)"));
                } else if (!schemaExists(c, schema)) {
                    refusedSchemas.add(new SchemaRefusal(schema, "schema " + schema + " does not exist"));
                } else {
                    for (Relation rel : relations(c, schema)) {
                        tables.add(prepareRelation(c, rel, request));
                    }
                }
            }
            long refusedTables = tables.stream().filter(t -> t.outcome() == Outcome.REFUSED).count();
            long prepared = tables.stream().filter(t -> t.outcome() == Outcome.PREPARED).count();
            long already = tables.stream().filter(t -> t.outcome() == Outcome.ALREADY_PREPARED).count();
            boolean ok = refusedTables == 0 && refusedSchemas.isEmpty();
            StringBuilder msg = new StringBuilder();
            msg.append(prepared).append(" table(s) prepared, ").append(already).append(" already prepared, ")
                    .append(refusedTables).append(" refused");
            if (!refusedSchemas.isEmpty()) {
                msg.append("; schema(s) not processed: ");
                msg.append(String.join("; ", refusedSchemas.stream().map(SchemaRefusal::reason).toList()));
            }
            if (serverId != null) {
                msg.append(". Server id ").append(serverId);
            }
            msg.append('.');
            return new Result(ok, msg.toString(), serverId == null ? "" : serverId, tables, refusedSchemas);
        }
    }

    private record Relation(String schema, String name, char kind, boolean partition, boolean hasPrimaryKey,
            String uidType, boolean uidNotNull, boolean uidUnique, boolean uidHasDefault, boolean hasTrigger) {
    }

    private static boolean toolsInstalled(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT to_regclass('lizsync.server_metadata') IS NOT NULL "
                        + "AND to_regprocedure('audit.if_modified_func()') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static String currentServerId(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT server_id::text FROM lizsync.server_metadata LIMIT 1")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static String ensureServerId(Connection c, String name) throws SQLException {
        String existing = currentServerId(c);
        if (existing != null) {
            return existing;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO lizsync.server_metadata (server_name, server_role) VALUES (?, 'central')
                ON CONFLICT DO NOTHING""")) {
            ps.setString(1, name == null || name.isBlank() ? "central" : name);
            ps.executeUpdate();
        }
        return currentServerId(c);
    }

    private static boolean schemaExists(Connection c, String schema) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static List<Relation> relations(Connection c, String schema) throws SQLException {
        // Tables, partitioned tables, views, materialized views and foreign tables: the ones that
        // cannot be synchronised are reported as refused rather than silently skipped.
        String sql = """
                SELECT c.relname, c.relkind, c.relispartition,
                       EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p'),
                       format_type(a.atttypid, a.atttypmod), coalesce(a.attnotnull, false),
                       EXISTS (SELECT 1 FROM pg_index i
                               WHERE i.indrelid = c.oid AND i.indisunique AND i.indnkeyatts = 1
                                 AND i.indpred IS NULL AND i.indkey[0] = a.attnum),
                       a.atthasdef,
                       EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = 'lizsync_audit')
                FROM pg_class c
                JOIN pg_namespace n ON n.oid = c.relnamespace
                LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'uid' AND NOT a.attisdropped
                WHERE n.nspname = ? AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
                ORDER BY c.relname""";
        List<Relation> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Relation(schema, rs.getString(1), rs.getString(2).charAt(0), rs.getBoolean(3),
                            rs.getBoolean(4), rs.getString(5), rs.getBoolean(6), rs.getBoolean(7), rs.getBoolean(8),
                            rs.getBoolean(9)));
                }
            }
        }
        return out;
    }

    private static final Set<Character> VIEW_KINDS = Set.of('v', 'm');

    private TableResult prepareRelation(Connection c, Relation rel, Request request) throws SQLException {
        if (VIEW_KINDS.contains(rel.kind())) {
            return TableResult.refused(rel.schema(), rel.name(), "a view cannot be synchronised");
        }
        if (rel.kind() == 'f') {
            return TableResult.refused(rel.schema(), rel.name(), "a foreign table cannot be synchronised");
        }
        if (rel.kind() == 'p' || rel.partition()) {
            return TableResult.refused(rel.schema(), rel.name(), "partitioned tables are not supported");
        }
        if (!rel.hasPrimaryKey()) {
            return TableResult.refused(rel.schema(), rel.name(),
                    "no primary key (add an integer primary key, it stays local to each database)");
        }
        if (rel.uidType() != null && !rel.uidType().equals("uuid")) {
            return TableResult.refused(rel.schema(), rel.name(),
                    "column uid has type " + rel.uidType() + ", expected uuid");
        }
        boolean uidMissing = rel.uidType() == null;
        boolean uidIncomplete = !uidMissing && (!rel.uidNotNull() || !rel.uidUnique() || !rel.uidHasDefault());
        if (uidMissing && !request.addUidColumns()) {
            return TableResult.refused(rel.schema(), rel.name(), "no uid column (adding uid columns was not requested)");
        }
        boolean wantTrigger = request.addAuditTriggers() && !rel.hasTrigger();
        boolean wantUid = request.addUidColumns() && (uidMissing || uidIncomplete);
        if (!wantTrigger && !wantUid) {
            return new TableResult(rel.schema(), rel.name(), Outcome.ALREADY_PREPARED, false, 0, false, null);
        }
        String table = Sql.qualified(rel.schema(), rel.name());
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            long filled = 0;
            if (wantUid && uidMissing) {
                // A volatile default fills every existing row with its own value in the rewrite.
                filled = countRows(st, table);
                st.execute("ALTER TABLE " + table + " ADD COLUMN uid uuid NOT NULL DEFAULT gen_random_uuid()");
                st.execute("ALTER TABLE " + table + " ADD UNIQUE (uid)");
            } else if (wantUid) {
                if (!rel.uidHasDefault()) {
                    st.execute("ALTER TABLE " + table + " ALTER COLUMN uid SET DEFAULT gen_random_uuid()");
                }
                if (!rel.uidNotNull()) {
                    filled = st.executeUpdate("UPDATE " + table + " SET uid = gen_random_uuid() WHERE uid IS NULL");
                    st.execute("ALTER TABLE " + table + " ALTER COLUMN uid SET NOT NULL");
                }
                if (!rel.uidUnique()) {
                    st.execute("ALTER TABLE " + table + " ADD UNIQUE (uid)");
                }
            }
            boolean triggerAdded = false;
            if (wantTrigger) {
                try (PreparedStatement ps = c.prepareStatement("SELECT audit.audit_table(?, ?, 'uid')")) {
                    ps.setString(1, rel.schema());
                    ps.setString(2, rel.name());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        triggerAdded = rs.getBoolean(1);
                    }
                }
            }
            c.commit();
            return new TableResult(rel.schema(), rel.name(), Outcome.PREPARED, wantUid && uidMissing, filled,
                    triggerAdded, null);
        } catch (SQLException e) {
            c.rollback();
            return TableResult.refused(rel.schema(), rel.name(), "failed, nothing changed: " + e.getMessage());
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    private static long countRows(Statement st, String table) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
