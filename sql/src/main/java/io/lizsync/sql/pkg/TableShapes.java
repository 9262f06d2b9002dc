package io.lizsync.sql.pkg;

import io.lizsync.sql.Sql;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The shape of a table as every node must agree on it: ordered {@code "name type"} descriptions and
 * their SHA-256 fingerprint. Same rule as the sync engine's structure check (sync.v1
 * TableFingerprint), read here over JDBC.
 */
public final class TableShapes {

    private TableShapes() {
    }

    /** Ordered column descriptions, the COPY columns (not generated ones) and the fingerprint. */
    public record Shape(String schema, String table, List<String> descriptions, List<String> copyColumns) {
        public boolean exists() {
            return !descriptions.isEmpty();
        }

        public String fingerprint() {
            return TableShapes.fingerprint(descriptions);
        }

        public String qualified() {
            return Sql.qualified(schema, table);
        }
    }

    public static Shape shape(Connection c, String schema, String table) throws SQLException {
        List<String> descriptions = new ArrayList<>();
        List<String> copy = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attgenerated <> ''
                FROM pg_class t
                JOIN pg_namespace n ON n.oid = t.relnamespace
                JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
                WHERE n.nspname = ? AND t.relname = ? AND t.relkind = 'r'
                ORDER BY a.attnum""")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    descriptions.add(rs.getString(1) + " " + rs.getString(2));
                    if (!rs.getBoolean(3)) {
                        copy.add(rs.getString(1));
                    }
                }
            }
        }
        return new Shape(schema, table, descriptions, copy);
    }

    /** SHA-256 of the descriptions, each followed by a NUL byte, as lower-case hex. */
    public static String fingerprint(List<String> descriptions) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String d : descriptions) {
                md.update(d.getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** {@code (a, b, c)} with every column quoted. */
    public static String columnList(List<String> columns) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < columns.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(Sql.ident(columns.get(i)));
        }
        return sb.append(')').toString();
    }
}
