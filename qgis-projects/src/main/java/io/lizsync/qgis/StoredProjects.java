package io.lizsync.qgis;

import io.lizsync.sql.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Projects QGIS stores inside PostgreSQL ("project storage": a table {@code qgis_projects(name text
 * primary key, metadata jsonb, content bytea)} per schema, {@code content} a {@code .qgz} archive),
 * adapted the same way as the files ({@link ProjectBytes#adaptQgz}: the {@code .qgs} entry rewritten,
 * every other entry kept). Runs in the caller's transaction on the caller's connection (nothing is
 * committed here): a clone's sidecar adapts them where it writes what it received, with the capture
 * of local edits skipped for that write. Rows are locked while read; a row whose content is not a
 * valid project is skipped and reported, its content left as it was. No backup row is written (it
 * would show as one more project in QGIS); central keeps the original.
 */
public final class StoredProjects {

    /** QGIS's table name for projects stored in a schema. */
    public static final String TABLE = "qgis_projects";

    /**
     * The schemas holding a table {@value #TABLE} with QGIS's columns (name, content bytea).
     */
    public List<String> schemasWithProjects(Connection c) throws SQLException {
        String sql = """
                SELECT n.nspname
                  FROM pg_catalog.pg_class t
                  JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
                 WHERE t.relname = ? AND t.relkind IN ('r', 'p')
                   AND EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                                WHERE a.attrelid = t.oid AND a.attname = 'name' AND NOT a.attisdropped)
                   AND EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                                WHERE a.attrelid = t.oid AND a.attname = 'content' AND NOT a.attisdropped
                                  AND a.atttypid = 'pg_catalog.bytea'::pg_catalog.regtype)
                 ORDER BY n.nspname""";
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, TABLE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /**
     * Adapts every project stored in {@code schema.qgis_projects}. Report entries are named
     * {@code schema/name}.
     */
    public AdaptReport adaptSchema(Connection c, String schema, PgTarget central, PgTarget clone) throws SQLException {
        String table = Sql.qualified(schema, TABLE);
        List<String> adapted = new ArrayList<>();
        java.util.Map<String, Integer> byProject = new java.util.HashMap<>();
        List<String> unchanged = new ArrayList<>();
        List<AdaptReport.Skipped> skipped = new ArrayList<>();
        int rewritten = 0;
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM " + table + " ORDER BY name FOR UPDATE");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        try (PreparedStatement read = c.prepareStatement("SELECT content FROM " + table + " WHERE name = ?");
             PreparedStatement write = c.prepareStatement("UPDATE " + table + " SET content = ? WHERE name = ?")) {
            for (String name : names) {
                String label = schema + "/" + name;
                byte[] content = content(read, name);
                if (content == null) {
                    skipped.add(new AdaptReport.Skipped(label, "no content"));
                    continue;
                }
                try {
                    ProjectBytes.Outcome outcome = ProjectBytes.adaptQgz(content, central, clone);
                    if (!outcome.changed()) {
                        unchanged.add(label);
                        continue;
                    }
                    write.setBytes(1, outcome.bytes());
                    write.setString(2, name);
                    write.executeUpdate();
                    adapted.add(label);
                    byProject.put(label, outcome.rewritten());
                    rewritten += outcome.rewritten();
                } catch (ProjectBytes.BadProjectException e) {
                    skipped.add(new AdaptReport.Skipped(label, e.getMessage()));
                }
            }
        }
        return new AdaptReport(adapted, rewritten, unchanged, skipped, byProject);
    }

    /** Every schema's stored projects ({@link #schemasWithProjects}), one report. */
    public AdaptReport adaptAll(Connection c, PgTarget central, PgTarget clone) throws SQLException {
        List<String> adapted = new ArrayList<>();
        java.util.Map<String, Integer> byProject = new java.util.HashMap<>();
        List<String> unchanged = new ArrayList<>();
        List<AdaptReport.Skipped> skipped = new ArrayList<>();
        int rewritten = 0;
        for (String schema : schemasWithProjects(c)) {
            AdaptReport r = adaptSchema(c, schema, central, clone);
            adapted.addAll(r.projectsAdapted());
            byProject.putAll(r.rewrittenByFile());
            unchanged.addAll(r.unchanged());
            skipped.addAll(r.skipped());
            rewritten += r.dataSourcesRewritten();
        }
        return new AdaptReport(adapted, rewritten, unchanged, skipped, byProject);
    }

    /**
     * One stored project's content ({@code .qgz} bytes) adapted: the new content, or null when
     * nothing in it points at central. For callers with their own SQL client (the sidecar's).
     *
     * @throws IllegalArgumentException the content is not a valid project (the reason as message)
     */
    public static byte[] adaptContent(byte[] content, PgTarget central, PgTarget clone) {
        try {
            return ProjectBytes.adaptQgz(content, central, clone).bytes();
        } catch (ProjectBytes.BadProjectException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    private static byte[] content(PreparedStatement read, String name) throws SQLException {
        read.setString(1, name);
        try (ResultSet rs = read.executeQuery()) {
            return rs.next() ? rs.getBytes(1) : null;
        }
    }
}
