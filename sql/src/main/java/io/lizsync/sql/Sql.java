package io.lizsync.sql;

import java.util.Set;

/** SQL text helpers. Values are always bound; only identifiers pass through here. */
public final class Sql {

    /** Schemas that are never prepared, packaged nor synchronised. */
    public static final Set<String> RESERVED_SCHEMAS =
            Set.of("public", "lizsync", "audit", "pg_catalog", "information_schema", "pg_toast");

    private Sql() {
    }

    /**
     * Quotes an identifier the way PostgreSQL's quote_ident does, always (so upper case, spaces,
     * unicode and reserved words keep their meaning).
     */
    public static String ident(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("an SQL identifier cannot be empty");
        }
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("an SQL identifier cannot contain a NUL character");
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** A quoted schema-qualified name. */
    public static String qualified(String schema, String table) {
        return ident(schema) + '.' + ident(table);
    }

    /** True for schemas that must never be touched by prepare, package or sync. */
    public static boolean isReservedSchema(String schema) {
        return RESERVED_SCHEMAS.contains(schema) || schema.startsWith("pg_temp") || schema.startsWith("pg_toast");
    }
}
