package io.lizsync.sync.engine;

import io.lizsync.sql.Sql;

/** A schema-qualified table name, verbatim (quoting happens only when SQL is written). */
public record TableRef(String schema, String table) implements Comparable<TableRef> {

    public String quoted() {
        return Sql.qualified(schema, table);
    }

    @Override
    public int compareTo(TableRef o) {
        int c = schema.compareTo(o.schema);
        return c != 0 ? c : table.compareTo(o.table);
    }

    @Override
    public String toString() {
        return schema + "." + table;
    }
}
