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
    /** Characters of values per statement: a group of large rows (polygons of megabytes) is cut sooner. */
    private static final long MAX_GROUP_CHARS = 8L << 20;

    private final SqlConnection connection;
    private final Map<TableRef, Catalog.TableShape> shapes = new HashMap<>();
    private Group group;
    private long applied;
    private long statementNanos;
    private final List<java.util.concurrent.CompletableFuture<?>> inFlight = new ArrayList<>();
    private int inFlightSize;
    /** Non-null: this writer logs what it replays itself (see {@link #logging}). */
    private final String syncData;
    private boolean stagingReady;
    /** Set by {@link #loggingPipelined}: capture is switched back without a round trip of its own. */
    private boolean pipelined;
    /** Set by {@link #sendRest}: the capture switch back is sent. */
    private boolean switchedBack;
    /** Changes taken so far (applied, sent or queued). */
    private long taken;

    public ChangeWriter(SqlConnection connection) {
        this(connection, null);
    }

    private ChangeWriter(SqlConnection connection, String syncData) {
        this.connection = connection;
        this.syncData = syncData;
    }

    /**
     * A writer for replays on central, whose changes must reach the other clones: instead of the
     * capture trigger logging row by row (a PL/pgSQL call, two hstore conversions and an insert
     * per row), each statement logs its rows itself, set-based, with the same content the
     * trigger writes (old values of the fields that really changed, new values, whole rows for
     * inserts and deletes) and {@code syncData} ({"origin", "sync_id"}). The capture trigger then
     * skips only the rows the replay writes (lizsync.capture = 'replayed', trigger depth 1): rows
     * that user triggers derive from them are still captured as central's own changes.
     * {@link #finish()} switches capture back to normal.
     */
    public static ChangeWriter logging(SqlConnection connection, String syncData) {
        Db.execute(connection, "SELECT set_config('lizsync.capture', 'replayed', true)");
        return new ChangeWriter(connection, Objects.requireNonNull(syncData));
    }

    /**
     * {@link #logging} for a short transaction that counts round trips (a device's upload): the
     * capture switch is sent without waiting, the tables' shapes are given (read by the caller in
     * a round trip it makes anyway, {@link Catalog#sendShapes}), {@link #finish()} switches
     * capture back in the same round trip as its wait, and rows known new can be written by
     * {@link #insert} (a plain INSERT logged in the same statement: no staging table).
     */
    public static ChangeWriter loggingPipelined(SqlConnection connection, String syncData,
            Map<TableRef, Catalog.TableShape> shapes) {
        ChangeWriter w = new ChangeWriter(connection, Objects.requireNonNull(syncData));
        w.pipelined = true;
        w.shapes.putAll(shapes);
        w.inFlight.add(Db.send(connection, "SELECT set_config('lizsync.capture', 'replayed', true)"));
        return w;
    }

    /** Consecutive changes that one statement replays ({@code fresh}: inserts of rows known new). */
    private record GroupKey(NetChange.Kind kind, TableRef table, List<String> fields, boolean fresh) {
    }

    private static final class Group {
        final GroupKey key;
        final List<List<String>> columns = new ArrayList<>();
        /** Logging writers: each row's original edit time, and its per-field times and origins (JSON or null). */
        final List<String> times = new ArrayList<>();
        final List<String> meta = new ArrayList<>();
        int size;
        long chars;

        Group(GroupKey key) {
            this.key = key;
            for (int i = 0; i <= key.fields().size(); i++) {
                columns.add(new ArrayList<>());
            }
        }
    }

    private Catalog.TableShape shape(TableRef t) {
        return shapes.computeIfAbsent(t, k -> {
            awaitInFlight(); // an error of the statement in flight must not be masked by this query's
            Catalog.TableShape s = Catalog.shape(connection, k);
            if (!s.exists()) {
                throw new IllegalStateException("table " + k + " does not exist here");
            }
            return s;
        });
    }

    public void apply(NetChange n) {
        take(n, false);
    }

    /**
     * An UPSERT of a row the caller knows does not exist (a device's create whose uid it checked):
     * written by a plain INSERT (a row that appeared meanwhile fails the statement, it is never
     * overwritten) and, for a logging writer, logged as an insert by the same statement.
     */
    public void insert(NetChange n) {
        if (n.kind() != NetChange.Kind.UPSERT) {
            throw new IllegalArgumentException("insert takes an UPSERT, not " + n.kind());
        }
        take(n, true);
    }

    /** The changes given to this writer so far that it writes (applied, sent or queued). */
    public long taken() {
        return taken;
    }

    private void take(NetChange n, boolean fresh) {
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
        GroupKey key = new GroupKey(n.kind(), n.table(), List.copyOf(fields), fresh);
        if (group == null || !Objects.equals(group.key, key) || group.size >= MAX_GROUP
                || group.chars >= MAX_GROUP_CHARS) {
            flush();
            group = new Group(key);
        }
        group.columns.get(0).add(n.uid());
        for (int i = 0; i < fields.size(); i++) {
            String v = n.values().get(fields.get(i));
            group.columns.get(i + 1).add(v);
            group.chars += v == null ? 0 : v.length();
        }
        if (syncData != null) {
            group.times.add(n.editedAt() == null ? null : n.editedAt().toString());
            group.meta.add(originalTimes(n));
        }
        group.size++;
        taken++;
    }

    /**
     * The times and origins of the fields of a net change that differ from the row's (edited at
     * another moment, or on another node than the one the log row names), as the log keeps them
     * in {@code sync_data}: {"field_times": {field: time}, "field_origins": {field: server}}.
     */
    static String originalTimes(NetChange n) {
        io.vertx.core.json.JsonObject times = new io.vertx.core.json.JsonObject();
        io.vertx.core.json.JsonObject origins = new io.vertx.core.json.JsonObject();
        for (String f : n.values().keySet()) {
            java.time.Instant t = n.fieldTimes().get(f);
            if (t != null && !t.equals(n.editedAt())) {
                times.put(f, t.toString());
            }
            String w = n.fieldWriters().get(f);
            if (w != null && !w.equals(n.writer())) {
                origins.put(f, w);
            }
        }
        if (times.isEmpty() && origins.isEmpty()) {
            return null;
        }
        io.vertx.core.json.JsonObject o = new io.vertx.core.json.JsonObject();
        if (!times.isEmpty()) {
            o.put("field_times", times);
        }
        if (!origins.isEmpty()) {
            o.put("field_origins", origins);
        }
        return o.encode();
    }

    /** Time spent waiting for the database in the replay statements so far (beyond what overlapped). */
    public long statementNanos() {
        return statementNanos;
    }

    /** Sends what is queued (without waiting for it); returns the changes known applied so far. */
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
            case DELETE -> sql.append("DELETE FROM ").append(table)
                    .append(" AS lizsync_t WHERE lizsync_t.uid = ANY ($1::text[]::uuid[])");
            case UPDATE -> {
                sql.append("UPDATE ").append(table).append(" AS lizsync_t SET ");
                for (int i = 0; i < fields.size(); i++) {
                    sql.append(i == 0 ? "" : ", ").append(Sql.ident(fields.get(i))).append(" = CAST(lizsync_v.c")
                            .append(i + 1).append(" AS ").append(shape.column(fields.get(i)).type()).append(')');
                }
                // The uids once more as an array: without it the planner joins the values to the
                // whole table (a hash of every row, per statement: 50-80 ms at 100 000 rows); with
                // it only the rows asked for are read (an index scan on a large table).
                // Logged, the UPDATE also joins the old rows its statement locked first (lizsync_o,
                // see sendLockedUpdate).
                boolean locked = syncData != null;
                sql.append(" FROM ").append(locked ? "lizsync_o, " : "").append(unnest)
                        .append(" WHERE lizsync_t.uid = lizsync_v.c0::uuid")
                        .append(" AND lizsync_t.uid = ANY ($1::text[]::uuid[])");
                if (locked) {
                    sql.append(" AND lizsync_o.uid = lizsync_t.uid");
                }
            }
            case UPSERT -> {
                sql.append("INSERT INTO ").append(table).append(" AS lizsync_t (uid");
                fields.forEach(f -> sql.append(", ").append(Sql.ident(f)));
                sql.append(") SELECT lizsync_v.c0::uuid");
                for (int i = 0; i < fields.size(); i++) {
                    sql.append(", CAST(lizsync_v.c").append(i + 1).append(" AS ")
                            .append(shape.column(fields.get(i)).type()).append(')');
                }
                sql.append(" FROM ").append(unnest);
                if (key.fresh()) {
                    break;
                }
                sql.append(" ON CONFLICT (uid) DO ");
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
        // Sent without waiting: the database runs this group while the next one is built (the
        // connection pipelines statements in order). The previous group is awaited first, so at
        // most two are in flight and an error surfaces at the next flush at the latest. A pipelined
        // writer (a short upload) sends every group at once and waits at finish.
        if (!pipelined) {
            awaitInFlight();
        }
        if (syncData == null) {
            send(sql.toString(), params);
        } else {
            sendLogged(key, sql, params, group.times.toArray(new String[0]), group.meta.toArray(new String[0]));
        }
        inFlightSize += group.size;
        group = null;
        return applied;
    }

    private void send(String sql, Object[] params) {
        inFlight.add(connection.preparedQuery(sql).execute(Tuple.from(params)).subscribeAsCompletionStage());
    }

    /** The group's statement with its log rows written by the same statement (data-modifying WITH). */
    private void sendLogged(GroupKey key, StringBuilder statement, Object[] params, String[] times, String[] meta) {
        TableRef t = key.table();
        int n = params.length;
        Object[] all = java.util.Arrays.copyOf(params, n + 6);
        all[n] = t.schema();
        all[n + 1] = t.table();
        all[n + 2] = t.quoted();
        all[n + 3] = syncData;
        all[n + 4] = times;
        all[n + 5] = meta;
        // Each row is logged with the time its edit was really made (and, in sync_data, the times
        // and origins of fields edited at other moments): every later decision compares those.
        String head = "INSERT INTO audit.logged_actions (schema_name, table_name, relid, uid, action, row_data, "
                + "changed_fields, sync_data, action_tstamp_tx) SELECT $" + (n + 1) + ", $" + (n + 2) + ", CAST($"
                + (n + 3) + " AS text)::regclass::oid, lizsync_w.uid, ";
        boolean anyMeta = false;
        for (String m : meta) {
            anyMeta |= m != null;
        }
        String sync = ", CAST($" + (n + 4) + " AS text)::jsonb"
                + (anyMeta ? " || coalesce(lizsync_m.meta::jsonb, '{}'::jsonb)" : "")
                + ", coalesce(lizsync_m.at::timestamptz, transaction_timestamp())";
        String original = " JOIN unnest($1::text[]::uuid[], $" + (n + 5) + "::text[], $" + (n + 6)
                + "::text[]) AS lizsync_m(uid, at, meta) ON lizsync_m.uid = lizsync_w.uid";
        if (key.kind() == NetChange.Kind.DELETE || key.fresh()) {
            String sql = "WITH lizsync_w AS (" + statement + " RETURNING lizsync_t.uid, (OPERATOR(audit.#@) lizsync_t) AS h) "
                    + head + (key.fresh() ? "'I'" : "'D'") + ", lizsync_w.h, NULL" + sync + " FROM lizsync_w" + original;
            send(sql, all);
            return;
        }
        if (key.kind() == NetChange.Kind.UPDATE) {
            sendLockedUpdate(key, statement, all, head, sync, original);
            return;
        }
        // An upsert's rows as they are before the statement (locked), staged in a temporary table:
        // a SELECT inside the same statement could not lock rows that statement modifies.
        if (!stagingReady) {
            Db.execute(connection, "CREATE TEMPORARY TABLE IF NOT EXISTS lizsync_replay_old "
                    + "(uid uuid NOT NULL, h public.hstore NOT NULL) ON COMMIT DELETE ROWS");
            stagingReady = true;
        }
        send("INSERT INTO pg_temp.lizsync_replay_old (uid, h) SELECT lizsync_t.uid, (OPERATOR(audit.#@) lizsync_t) FROM "
                + t.quoted() + " AS lizsync_t WHERE lizsync_t.uid = ANY ($1::text[]::uuid[]) FOR UPDATE OF lizsync_t",
                new Object[] {params[0]});
        String diff = "(lizsync_w.h OPERATOR(public.-) lizsync_o.h)";
        String sql = "WITH lizsync_w AS (" + statement + " RETURNING lizsync_t.uid, (OPERATOR(audit.#@) lizsync_t) AS h) "
                + head + "CAST(CASE WHEN lizsync_o.uid IS NULL THEN 'I' ELSE 'U' END AS \"char\"), "
                + "CASE WHEN lizsync_o.uid IS NULL THEN lizsync_w.h ELSE public.slice(lizsync_o.h, public.akeys(" + diff
                + ")) END, CASE WHEN lizsync_o.uid IS NULL THEN NULL ELSE " + diff + " END" + sync
                + " FROM lizsync_w" + original
                + " LEFT JOIN pg_temp.lizsync_replay_old lizsync_o ON lizsync_o.uid = lizsync_w.uid"
                + " WHERE lizsync_o.uid IS NULL OR " + diff + " OPERATOR(public.<>) ''::public.hstore";
        send(sql, all);
        send("DELETE FROM pg_temp.lizsync_replay_old", new Object[0]);
    }

    /**
     * An UPDATE group and its log rows in one statement (ADR 0008, "One statement per replayed
     * UPDATE group"): the rows' old values are read and locked by a materialized CTE that the
     * UPDATE joins, so each row is locked (its newest committed version, READ COMMITTED's
     * re-check) before the UPDATE writes it, and the old values logged are the ones overwritten.
     * Written once per group, not staged in a temporary table and deleted again. Materialized,
     * the locking side runs once whatever plan joins it (a plain subquery, under the generic plan
     * a prepared statement gets, was once rescanned per row).
     */
    private void sendLockedUpdate(GroupKey key, StringBuilder statement, Object[] all, String head, String sync,
            String original) {
        String table = key.table().quoted();
        String diff = "(lizsync_w.h OPERATOR(public.-) lizsync_w.old)";
        String sql = "WITH lizsync_o AS MATERIALIZED (SELECT lizsync_x.uid, (OPERATOR(audit.#@) lizsync_x) AS h FROM "
                + table + " AS lizsync_x WHERE lizsync_x.uid = ANY ($1::text[]::uuid[]) FOR UPDATE OF lizsync_x), "
                + "lizsync_w AS (" + statement
                + " RETURNING lizsync_t.uid, (OPERATOR(audit.#@) lizsync_t) AS h, lizsync_o.h AS old) "
                + head + "CAST('U' AS \"char\"), public.slice(lizsync_w.old, public.akeys(" + diff + ")), " + diff
                + sync + " FROM lizsync_w" + original + " WHERE " + diff + " OPERATOR(public.<>) ''::public.hstore";
        send(sql, all);
    }

    /** Waits until every statement sent so far has run; returns the changes applied so far. */
    public long drain() {
        awaitInFlight();
        return applied;
    }

    /**
     * A pipelined writer: sends what is queued and the capture switch back without waiting, so
     * that the caller can pipeline more behind them (its COMMIT); {@link #finish} then waits.
     */
    public void sendRest() {
        flush();
        if (pipelined && !switchedBack) {
            inFlight.add(Db.send(connection, "SELECT set_config('lizsync.capture', '', true)"));
            switchedBack = true;
        }
    }

    /** Sends what is queued and waits until every statement has run; returns the changes applied. */
    public long finish() {
        flush();
        if (pipelined) {
            // Awaited in order: a statement's own failure is the one reported, not the switch's "aborted".
            sendRest();
            awaitInFlight();
            return applied;
        }
        awaitInFlight();
        if (syncData != null) {
            Db.execute(connection, "SELECT set_config('lizsync.capture', '', true)");
        }
        return applied;
    }

    /** Waits for the statements sent, in order: the first failure is the one reported. */
    private void awaitInFlight() {
        if (inFlight.isEmpty()) {
            return;
        }
        long t0 = System.nanoTime();
        List<java.util.concurrent.CompletableFuture<?>> pending = List.copyOf(inFlight);
        inFlight.clear();
        RuntimeException first = null;
        for (var f : pending) {
            try {
                Db.await(io.smallrye.mutiny.Uni.createFrom().completionStage(f));
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        statementNanos += System.nanoTime() - t0;
        if (first != null) {
            throw first;
        }
        applied += inFlightSize;
        inFlightSize = 0;
    }
}
