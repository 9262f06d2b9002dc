package io.lizsync.sql.pkg;

import io.lizsync.sql.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a package build reads from central's catalog, in the build's own transaction: the checks
 * of a request (tools installed, central's id, schemas and tables that exist, are not reserved and
 * are prepared), the tables of the requested schemas, the sequences' values, the extensions the
 * packaged columns need, the planner's row estimate. Names are bound as values or quoted.
 */
final class PackageCatalog {

    private PackageCatalog() {
    }

    /** The checks of a request within a transaction: tools, central's id, schemas, tables, preparation. */
    record Checked(String toolsVersion, String centralId, List<String> schemas, List<TableName> tables) {
    }

    static Checked check(Connection c, PackageBuilder.Request request, boolean bySchema) throws SQLException, PackageRefusedException {
        String toolsVersion = "t".equals(single(c, "SELECT to_regprocedure('lizsync.tools_version()') IS NOT NULL "
                + "AND to_regclass('lizsync.ticks') IS NOT NULL"))
                ? single(c, "SELECT lizsync.tools_version()") : null;
        if (toolsVersion == null) {
            throw new PackageRefusedException("the LizSync tools are not installed in the central database: "
                    + "run install and prepare first");
        }
        String centralId = single(c, "SELECT server_id::text FROM lizsync.server_metadata LIMIT 1");
        if (centralId == null) {
            throw new PackageRefusedException("central has no server id: run prepare with add server id");
        }
        List<String> schemas = new ArrayList<>();
        List<TableName> tables = bySchema ? tablesOfSchemas(c, request.schemas(), schemas)
                : checkTables(c, request.tables(), schemas);
        checkPrepared(c, tables);
        return new Checked(toolsVersion, centralId, schemas, tables);
    }

    /**
     * The planner's estimate of the tables' rows ({@code pg_class.reltuples}), -1 when one of them
     * was never analysed.
     */
    static long estimatedRows(Connection c, List<TableName> tables) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT sum(c.reltuples)::bigint, min(c.reltuples) "
                + "FROM pg_class c WHERE c.oid = ANY (?::regclass[])")) {
            ps.setArray(1, c.createArrayOf("text", tables.stream().map(TableName::qualified).toArray(String[]::new)));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getDouble(2) >= 0 ? rs.getLong(1) : -1;
            }
        }
    }

    private static List<TableName> tablesOfSchemas(Connection c, List<String> requested, List<String> schemas)
            throws SQLException {
        List<TableName> out = new ArrayList<>();
        for (String s : new LinkedHashSet<>(requested)) {
            if (s == null || s.isBlank()) {
                throw new IllegalArgumentException("schemas: an empty schema name");
            }
            if (Sql.isReservedSchema(s)) {
                throw new IllegalArgumentException("schema " + s + " is never packaged (public, lizsync and audit "
                        + "are reserved)");
            }
            if (single(c, "SELECT nspname FROM pg_namespace WHERE nspname = ?", s) == null) {
                throw new IllegalArgumentException("schema " + s + " does not exist in the central database");
            }
            schemas.add(s);
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname""")) {
                ps.setString(1, s);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new TableName(s, rs.getString(1)));
                    }
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("schemas " + schemas + " hold no table to package");
        }
        return out;
    }

    private static List<TableName> checkTables(Connection c, List<TableName> requested, List<String> schemas)
            throws SQLException {
        List<TableName> out = new ArrayList<>();
        Set<String> seenSchemas = new LinkedHashSet<>();
        for (TableName t : new LinkedHashSet<>(requested)) {
            if (t.schema() == null || t.schema().isBlank() || t.table() == null || t.table().isBlank()) {
                throw new IllegalArgumentException("tables: a table needs a schema and a name");
            }
            if (Sql.isReservedSchema(t.schema())) {
                throw new IllegalArgumentException("table " + t + " is in a reserved schema (public, lizsync and "
                        + "audit are never packaged)");
            }
            String kind = single(c, "SELECT c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = "
                    + "c.relnamespace WHERE n.nspname = ? AND c.relname = ?", t.schema(), t.table());
            if (kind == null) {
                throw new IllegalArgumentException("table " + t + " does not exist in the central database");
            }
            if (!kind.equals("r")) {
                throw new IllegalArgumentException(t + " is not an ordinary table (relkind " + kind + ")");
            }
            seenSchemas.add(t.schema());
            out.add(t);
        }
        schemas.addAll(seenSchemas);
        return out;
    }

    private static void checkPrepared(Connection c, List<TableName> tables) throws SQLException, PackageRefusedException {
        List<String> problems = new ArrayList<>();
        for (TableName t : tables) {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT (SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
                             WHERE a.attrelid = c.oid AND a.attname = 'uid' AND NOT a.attisdropped),
                           EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND g.tgname = 'lizsync_audit')
                    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = ? AND c.relname = ?""")) {
                ps.setString(1, t.schema());
                ps.setString(2, t.table());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (!"uuid".equals(rs.getString(1))) {
                        problems.add(t + " has no uid uuid column");
                    } else if (!rs.getBoolean(2)) {
                        problems.add(t + " has no audit trigger");
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new PackageRefusedException("tables not prepared (run prepare on their schema first): "
                    + String.join("; ", problems));
        }
    }

    /**
     * pg_dump's structure sections leave sequences at their start; the clone's serial keys must go
     * on from central's values (local keys never collide with the rows of the package).
     */
    static List<String> sequenceValues(Connection c, boolean bySchema, List<String> schemas,
            List<TableName> tables) throws SQLException {
        List<String> out = new ArrayList<>();
        String sql = bySchema ? """
                SELECT n.nspname, s.relname FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace
                WHERE s.relkind = 'S' AND n.nspname = ANY (?) ORDER BY 1, 2""" : """
                SELECT n.nspname, s.relname FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace
                JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid
                                AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
                WHERE s.relkind = 'S' AND d.refobjid = ANY (?::regclass[]) ORDER BY 1, 2""";
        List<String[]> sequences = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            String[] args = bySchema ? schemas.toArray(new String[0])
                    : tables.stream().map(TableName::qualified).toArray(String[]::new);
            ps.setArray(1, c.createArrayOf("text", args));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sequences.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
        }
        for (String[] seq : sequences) {
            String name = Sql.qualified(seq[0], seq[1]);
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT last_value, is_called FROM " + name)) {
                rs.next();
                out.add("SELECT pg_catalog.setval(" + literal(name) + ", " + rs.getLong(1) + ", " + rs.getBoolean(2)
                        + ");\n");
            }
        }
        return out;
    }

    /** A standard SQL string literal. */
    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /** Extensions that the types of the packaged columns belong to (postgis for geometry...). */
    static List<String> extensions(Connection c, List<TableName> tables) throws SQLException {
        Set<String> out = new LinkedHashSet<>();
        for (TableName t : tables) {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT DISTINCT e.extname
                    FROM pg_attribute a
                    JOIN pg_type ty ON ty.oid = a.atttypid
                    JOIN pg_depend d ON d.classid = 'pg_type'::regclass AND d.deptype = 'e'
                                    AND d.objid IN (ty.oid, ty.typelem, ty.typbasetype)
                    JOIN pg_extension e ON e.oid = d.refobjid
                    WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped
                    ORDER BY 1""")) {
                ps.setString(1, t.qualified());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    static String single(Connection c, String sql, String... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
