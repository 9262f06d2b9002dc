package io.lizsync.sync.central.devices.repository;

import io.lizsync.sql.pkg.TableShapes;
import io.lizsync.sync.central.devices.service.LayerShape;
import io.lizsync.sync.central.exchange.service.ExchangeException;
import io.lizsync.sync.db.Db;
import io.lizsync.sync.engine.TableRef;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;

/** The catalog's account of a layer: a table audited by LizSync (audit.logged_relations). */
public final class LayerRepository {

    private LayerRepository() {
    }

    private static final String DESCRIBE = """
                SELECT a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull,
                       (a.attgenerated <> '' OR a.attidentity <> ''
                        OR (coalesce(a.attnum = ANY (k.conkey), false) AND a.atthasdef AND a.attname <> r.uid_column)),
                       a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '',
                       coalesce(array_position(k.conkey, a.attnum), 0), r.uid_column,
                       CASE WHEN a.atttypid = 'public.geometry'::regtype
                            THEN CASE WHEN a.atttypmod >= 0 THEN public.postgis_typmod_type(a.atttypmod)
                                      ELSE 'GEOMETRY' END END,
                       CASE WHEN a.atttypid = 'public.geometry'::regtype AND a.atttypmod >= 0
                            THEN public.postgis_typmod_srid(a.atttypmod) ELSE 0 END
                FROM audit.logged_relations r
                JOIN pg_namespace n ON n.nspname = r.schema_name
                JOIN pg_class t ON t.relnamespace = n.oid AND t.relname = r.table_name AND t.relkind = 'r'
                JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
                LEFT JOIN pg_constraint k ON k.conrelid = t.oid AND k.contype = 'p'
                WHERE r.schema_name = $1 AND r.table_name = $2
                ORDER BY a.attnum""";

    /** The layer's shape; NOT_FOUND when the table is not synchronised (or does not exist). */
    public static LayerShape describe(SqlClient c, TableRef table) {
        return shape(table, Db.await(c.preparedQuery(DESCRIBE).execute(io.vertx.mutiny.sqlclient.Tuple.of(table.schema(),
                table.table()))));
    }

    /** The description's statement sent without waiting (pipelined); read it with {@link #shape}. */
    public static java.util.concurrent.CompletableFuture<RowSet<Row>> sendDescribe(SqlConnection c, TableRef table) {
        return Db.send(c, DESCRIBE, table.schema(), table.table());
    }

    /** The layer's shape from the description's answer; NOT_FOUND when it is empty. */
    public static LayerShape shape(TableRef table, RowSet<Row> rs) {
        List<LayerShape.Column> columns = new ArrayList<>();
        List<String> keyNames = new ArrayList<>();
        List<Integer> keyOrder = new ArrayList<>();
        String uid = null;
        String geometry = null;
        String geometryType = "";
        int srid = 0;
        for (Row r : rs) {
            String name = r.getString(0);
            columns.add(new LayerShape.Column(name, r.getString(1), r.getBoolean(2), r.getBoolean(3), r.getBoolean(4)));
            int key = r.getInteger(5);
            if (key > 0) {
                keyNames.add(name);
                keyOrder.add(key);
            }
            uid = r.getString(6);
            if (geometry == null && r.getString(7) != null) {
                geometry = name;
                geometryType = r.getString(7).toUpperCase(java.util.Locale.ROOT);
                srid = r.getInteger(8);
            }
        }
        if (columns.isEmpty()) {
            throw new ExchangeException(ExchangeException.Reason.NOT_FOUND,
                    "layer " + table + " is not a synchronised table of central");
        }
        List<String> primaryKey = new ArrayList<>(keyNames);
        primaryKey.sort(java.util.Comparator.comparingInt(n -> keyOrder.get(keyNames.indexOf(n))));
        return new LayerShape(table, List.copyOf(columns), uid, List.copyOf(primaryKey), geometry, geometryType, srid,
                TableShapes.fingerprint(LayerShape.descriptions(columns)));
    }
}
