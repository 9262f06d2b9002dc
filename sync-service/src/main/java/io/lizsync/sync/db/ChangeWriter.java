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
import java.util.Objects;

/**
 * Replays net changes on a connection, set by set: consecutive changes of the same kind, table
 * and fields become one statement over {@code unnest} of text arrays (one round trip, one plan
 * for thousands of rows). Values travel as PostgreSQL text and are cast back with the column's
 * own type ({@code CAST(v AS type)}: the type's input function, exact for every type, PostGIS
 * geometry included). Local primary keys and generated columns are never written: each node
 * numbers its own rows, uid is the pivot.
 */
public final class ChangeWriter {

    /** Rows per statement: bounded so that one statement's arrays stay small. */
    private static final int MAX_GROUP = 5000;

    private final SqlConnection connection;
    private final Map<TableRef, Catalog.TableShape> shapes = new HashMap<>();
    private Group group;
    private long applied;

    public ChangeWriter(SqlConnection connection) {
        this.connection = connection;
    }

    /** Consecutive changes that one statement replays. */
    private record GroupKey(NetChange.Kind kind, TableRef table, List<String> fields) {
    }

    private static final class Group {
        final GroupKey key;
        final List<List<String>> columns = new ArrayList<>();
        int size;

        Group(GroupKey key) {
            this.key = key;
            for (int i = 0; i <= key.fields().size(); i++) {
                columns.add(new ArrayList<>());
            }
        }
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
        if (n.kind() != NetChange.Kind.DELETE) {
            for (String f : n.values().keySet()) {
                if (shape.writable(f) && !f.equals("uid")) {
                    fields.add(f);
                }
            }
            if (n.kind() == NetChange.Kind.UPDATE && fields.isEmpty()) {
                return;
            }
        }
        GroupKey key = new GroupKey(n.kind(), n.table(), List.copyOf(fields));
        if (group == null || !Objects.equals(group.key, key) || group.size >= MAX_GROUP) {
            flush();
            group = new Group(key);
        }
        group.columns.get(0).add(n.uid());
        for (int i = 0; i < fields.size(); i++) {
            group.columns.get(i + 1).add(n.values().get(fields.get(i)));
        }
        group.size++;
    }

    /** Sends what is queued; returns the number of changes applied so far. */
    public long flush() {
        if (group == null || group.size == 0) {
            return applied;
        }
        GroupKey key = group.key;
        Catalog.TableShape shape = shape(key.table());
        String table = key.table().quoted();
        List<String> fields = key.fields();
        StringBuilder unnest = new StringBuilder("unnest(");
        for (int i = 0; i <= fields.size(); i++) {
            unnest.append(i == 0 ? "" : ", ").append('$').append(i + 1).append("::text[]");
        }
        unnest.append(") AS lizsync_v(c0");
        for (int i = 1; i <= fields.size(); i++) {
            unnest.append(", c").append(i);
        }
        unnest.append(')');
        StringBuilder sql = new StringBuilder();
        switch (key.kind()) {
            case DELETE -> sql.append("DELETE FROM ").append(table).append(" WHERE uid = ANY ($1::text[]::uuid[])");
            case UPDATE -> {
                sql.append("UPDATE ").append(table).append(" AS lizsync_t SET ");
                for (int i = 0; i < fields.size(); i++) {
                    sql.append(i == 0 ? "" : ", ").append(Sql.ident(fields.get(i))).append(" = CAST(lizsync_v.c")
                            .append(i + 1).append(" AS ").append(shape.column(fields.get(i)).type()).append(')');
                }
                sql.append(" FROM ").append(unnest).append(" WHERE lizsync_t.uid = lizsync_v.c0::uuid");
            }
            case UPSERT -> {
                sql.append("INSERT INTO ").append(table).append(" (uid");
                fields.forEach(f -> sql.append(", ").append(Sql.ident(f)));
                sql.append(") SELECT lizsync_v.c0::uuid");
                for (int i = 0; i < fields.size(); i++) {
                    sql.append(", CAST(lizsync_v.c").append(i + 1).append(" AS ")
                            .append(shape.column(fields.get(i)).type()).append(')');
                }
                sql.append(" FROM ").append(unnest).append(" ON CONFLICT (uid) DO ");
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
        Object[] params = new Object[key.kind() == NetChange.Kind.DELETE ? 1 : fields.size() + 1];
        for (int i = 0; i < params.length; i++) {
            params[i] = group.columns.get(i).toArray(new String[0]);
        }
        Db.await(connection.preparedQuery(sql.toString()).execute(Tuple.from(params)));
        applied += group.size;
        group = null;
        return applied;
    }
}
