package io.lizsync.sync.db;

import io.lizsync.sync.engine.TableRef;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the catalog says of a synchronised table: columns, types, keys. */
public final class Catalog {

    private Catalog() {
    }

    /** One column: its name, its SQL type, whether it is a local key or generated. */
    public record Column(String name, String type, boolean primaryKey, boolean generated) {
    }

    /** The columns of a table, in order; empty when the table does not exist. */
    public record TableShape(TableRef table, List<Column> columns) {
        public boolean exists() {
            return !columns.isEmpty();
        }

        /** Ordered "name type" descriptions: what must be equal on every node. */
        public List<String> descriptions() {
            return columns.stream().map(c -> c.name() + " " + c.type()).toList();
        }

        /** The same rule as packages use ({@link io.lizsync.sql.pkg.TableShapes#fingerprint}). */
        public String fingerprint() {
            return io.lizsync.sql.pkg.TableShapes.fingerprint(descriptions());
        }

        public Column column(String name) {
            for (Column c : columns) {
                if (c.name().equals(name)) {
                    return c;
                }
            }
            return null;
        }

        /** Columns a replay writes: not the local primary key (unless it is uid), not generated ones. */
        public boolean writable(String name) {
            Column c = column(name);
            return c != null && !c.generated() && (!c.primaryKey() || name.equals("uid"));
        }
    }

    public static TableShape shape(SqlConnection c, TableRef table) {
        return shapes(c, List.of(table)).get(table);
    }

    /** The shapes of several tables in one query (one round trip); every table asked for is a key. */
    public static Map<TableRef, TableShape> shapes(SqlConnection c, List<TableRef> asked) {
        var sent = sendShapes(c, asked);
        return shapes(sent == null ? null : Db.await(sent), asked);
    }

    /** Sends the query of {@link #shapes} without waiting (null when no table is asked for). */
    public static java.util.concurrent.CompletableFuture<RowSet<Row>> sendShapes(SqlConnection c, List<TableRef> asked) {
        List<TableRef> tables = List.copyOf(new java.util.LinkedHashSet<>(asked));
        if (tables.isEmpty()) {
            return null;
        }
        String[] schemas = new String[tables.size()];
        String[] names = new String[tables.size()];
        for (int i = 0; i < tables.size(); i++) {
            schemas[i] = tables.get(i).schema();
            names[i] = tables.get(i).table();
        }
        return Db.send(c, """
                SELECT w.s, w.t, a.attname, format_type(a.atttypid, a.atttypmod),
                       coalesce(a.attnum = ANY (k.conkey), false), a.attgenerated <> '' OR a.attidentity = 'a'
                FROM unnest($1::text[], $2::text[]) AS w (s, t)
                JOIN pg_namespace n ON n.nspname = w.s
                JOIN pg_class r ON r.relnamespace = n.oid AND r.relname = w.t AND r.relkind = 'r'
                JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
                LEFT JOIN pg_constraint k ON k.conrelid = r.oid AND k.contype = 'p'
                ORDER BY w.s, w.t, a.attnum""", schemas, names);
    }

    /** The shapes from the rows of {@link #sendShapes} (null: no table asked for). */
    public static Map<TableRef, TableShape> shapes(RowSet<Row> rows, List<TableRef> asked) {
        Map<TableRef, List<Column>> columns = new LinkedHashMap<>();
        new java.util.LinkedHashSet<>(asked).forEach(t -> columns.put(t, new ArrayList<>()));
        if (rows != null) {
            for (Row r : rows) {
                List<Column> cols = columns.get(new TableRef(r.getString(0), r.getString(1)));
                if (cols != null) {
                    cols.add(new Column(r.getString(2), r.getString(3), r.getBoolean(4), r.getBoolean(5)));
                }
            }
        }
        Map<TableRef, TableShape> out = new LinkedHashMap<>();
        columns.forEach((t, cols) -> out.put(t, new TableShape(t, cols)));
        return out;
    }

    /** A readable account of how two shapes differ, or null when they are equal. */
    public static String difference(String here, List<String> mine, String there, List<String> theirs) {
        if (mine.equals(theirs)) {
            return null;
        }
        List<String> onlyMine = new ArrayList<>(mine);
        onlyMine.removeAll(theirs);
        List<String> onlyTheirs = new ArrayList<>(theirs);
        onlyTheirs.removeAll(mine);
        if (onlyMine.isEmpty() && onlyTheirs.isEmpty()) {
            return "same columns in a different order (" + here + ": " + mine + ", " + there + ": " + theirs + ")";
        }
        StringBuilder sb = new StringBuilder();
        if (!onlyMine.isEmpty()) {
            sb.append(here).append(" has ").append(String.join(", ", onlyMine));
        }
        if (!onlyTheirs.isEmpty()) {
            sb.append(sb.length() > 0 ? "; " : "").append(there).append(" has ").append(String.join(", ", onlyTheirs));
        }
        return sb.toString();
    }
}
