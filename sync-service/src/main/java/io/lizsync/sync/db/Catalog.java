package io.lizsync.sync.db;

import io.lizsync.sync.engine.TableRef;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;

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
        List<Column> cols = new ArrayList<>();
        for (Row r : Db.query(c, """
                SELECT a.attname, format_type(a.atttypid, a.atttypmod),
                       coalesce(a.attnum = ANY (k.conkey), false), a.attgenerated <> '' OR a.attidentity = 'a'
                FROM pg_class t
                JOIN pg_namespace n ON n.oid = t.relnamespace
                JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
                LEFT JOIN pg_constraint k ON k.conrelid = t.oid AND k.contype = 'p'
                WHERE n.nspname = $1 AND t.relname = $2 AND t.relkind = 'r'
                ORDER BY a.attnum""", table.schema(), table.table())) {
            cols.add(new Column(r.getString(0), r.getString(1), r.getBoolean(2), r.getBoolean(3)));
        }
        return new TableShape(table, cols);
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
