package io.lizsync.sync.db;

import io.lizsync.sql.Sql;
import io.lizsync.sync.engine.NetChange;
import io.lizsync.sync.engine.TableRef;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays net changes on a connection. Values travel as PostgreSQL text and are cast back with
 * the column's own type ({@code CAST($n::text AS type)}: the type's input function, exact for
 * every type, PostGIS geometry included). Consecutive changes with the same statement go out as
 * one pipelined batch. Local primary keys and generated columns are never written: each node
 * numbers its own rows, uid is the pivot.
 */
public final class ChangeWriter {

    private final SqlConnection connection;
    private final Map<TableRef, Catalog.TableShape> shapes = new HashMap<>();
    private String pendingSql;
    private final List<Tuple> pending = new ArrayList<>();
    private long applied;

    public ChangeWriter(SqlConnection connection) {
        this.connection = connection;
    }

    private Catalog.TableShape shape(TableRef t) {
        return shapes.computeIfAbsent(t, k -> {
            Catalog.TableShape s = Catalog.shape(connection, k);
            if (!s.exists()) {
                throw new IllegalStateException("table " + k + " does not exist here");
            }
            return s;
        });
    }

    public void apply(NetChange n) {
        Catalog.TableShape shape = shape(n.table());
        List<String> fields = new ArrayList<>();
        for (String f : n.values().keySet()) {
            if (shape.writable(f) && !f.equals("uid")) {
                fields.add(f);
            }
        }
        String table = n.table().quoted();
        StringBuilder sql = new StringBuilder();
        List<Object> params = new ArrayList<>();
        switch (n.kind()) {
            case DELETE -> {
                sql.append("DELETE FROM ").append(table).append(" WHERE uid = $1::uuid");
                params.add(n.uid());
            }
            case UPDATE -> {
                if (fields.isEmpty()) {
                    return;
                }
                sql.append("UPDATE ").append(table).append(" SET ");
                for (int i = 0; i < fields.size(); i++) {
                    String f = fields.get(i);
                    sql.append(i == 0 ? "" : ", ").append(Sql.ident(f)).append(" = CAST($").append(i + 1)
                            .append("::text AS ").append(shape.column(f).type()).append(')');
                    params.add(n.values().get(f));
                }
                sql.append(" WHERE uid = $").append(fields.size() + 1).append("::uuid");
                params.add(n.uid());
            }
            case UPSERT -> {
                sql.append("INSERT INTO ").append(table).append(" (uid");
                fields.forEach(f -> sql.append(", ").append(Sql.ident(f)));
                sql.append(") VALUES ($1::uuid");
                params.add(n.uid());
                for (int i = 0; i < fields.size(); i++) {
                    sql.append(", CAST($").append(i + 2).append("::text AS ")
                            .append(shape.column(fields.get(i)).type()).append(')');
                    params.add(n.values().get(fields.get(i)));
                }
                sql.append(") ON CONFLICT (uid) DO ");
                if (fields.isEmpty()) {
                    sql.append("NOTHING");
                } else {
                    sql.append("UPDATE SET ");
                    for (int i = 0; i < fields.size(); i++) {
                        String q = Sql.ident(fields.get(i));
                        sql.append(i == 0 ? "" : ", ").append(q).append(" = EXCLUDED.").append(q);
                    }
                }
            }
        }
        String text = sql.toString();
        if (!text.equals(pendingSql)) {
            flush();
            pendingSql = text;
        }
        pending.add(Tuple.from(params));
    }

    /** Sends what is queued; returns the number of changes applied so far. */
    public long flush() {
        if (pendingSql != null && !pending.isEmpty()) {
            Db.batch(connection, pendingSql, List.copyOf(pending));
            applied += pending.size();
        }
        pending.clear();
        pendingSql = null;
        return applied;
    }

    public Catalog.TableShape shapeOf(TableRef t) {
        return shape(t);
    }
}
