package io.lizsync.sql.pkg;

import io.lizsync.sql.Sql;

/** A schema-qualified table name, verbatim. */
public record TableName(String schema, String table) {

    public String qualified() {
        return Sql.qualified(schema, table);
    }

    /** The pg_dump pattern matching exactly this table (quoted: no wildcard keeps a meaning). */
    public String dumpPattern() {
        return Sql.ident(schema) + "." + Sql.ident(table);
    }

    @Override
    public String toString() {
        return schema + "." + table;
    }
}
