package io.lizsync.sync.central.exchange.repository;

import io.lizsync.sync.central.exchange.service.ExchangeException;
import io.lizsync.sync.central.exchange.service.ExchangeException.Reason;
import io.lizsync.sync.central.exchange.service.PendingScope;
import io.lizsync.sync.db.ChangeLog;
import io.lizsync.sync.db.Db;
import io.lizsync.sync.engine.ConflictPolicy;
import io.lizsync.sync.engine.ConflictResolver;
import io.lizsync.sync.engine.LoggedChange;
import io.lizsync.sync.engine.TableRef;
import io.vertx.core.json.Json;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The SQL of central's side of the exchange: clone state, ticks, the log, history and decisions. */
public final class ExchangeRepository {

    private ExchangeRepository() {
    }

    /**
     * A clone's state row, locked for the transaction.
     *
     * @param echoHorizon the last event id of central's log at the clone's registration: its own
     *                    changes logged up to it are sent to it ({@code Routing.Destination})
     */
    public record CloneState(String sessionId, boolean redeployRequired, Long lastTickId, Long sessionTickId,
            Long sessionOffsetMs, Long sessionUncertaintyMs, long echoHorizon) {
    }

    public static String centralId(SqlConnection c) {
        var rs = Db.query(c, "SELECT server_id::text FROM lizsync.server_metadata LIMIT 1");
        if (rs.size() == 0) {
            throw new ExchangeException(Reason.PRECONDITION,
                    "central has no server id: run prepare with add server id first");
        }
        return rs.iterator().next().getString(0);
    }

    public static final String CREDENTIAL_QUERY =
            "SELECT credential_hash, credential_revoked_at IS NOT NULL FROM lizsync.clone_state WHERE clone_id = $1::uuid";

    /** Locks the clone's state row. */
    public static CloneState lockClone(SqlConnection c, String cloneId) {
        var rs = Db.query(c, """
                SELECT session_id::text, redeploy_required, last_tick_id, session_tick_id, session_clock_offset_ms,
                       session_clock_uncertainty_ms, echo_horizon
                FROM lizsync.clone_state WHERE clone_id = $1::uuid FOR UPDATE""", cloneId);
        if (rs.size() == 0) {
            throw new ExchangeException(Reason.NOT_FOUND, "unknown clone " + cloneId);
        }
        Row r = rs.iterator().next();
        return new CloneState(r.getString(0), r.getBoolean(1), r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5),
                r.getLong(6));
    }

    /** Refuses a call that is not part of the clone's open session. */
    public static void checkSession(CloneState state, String sessionId) {
        if (sessionId == null || !sessionId.equals(state.sessionId())) {
            throw new ExchangeException(Reason.ABORTED,
                    "session " + sessionId + " is not (or no longer) the clone's open session; start again with hello");
        }
        if (state.redeployRequired()) {
            throw new ExchangeException(Reason.PRECONDITION,
                    "the clone fell behind the central log retention: deploy a new package");
        }
    }

    public static long newTick(SqlConnection c) {
        return Db.query(c, "INSERT INTO lizsync.ticks (tick_snapshot) VALUES (pg_current_snapshot()) RETURNING tick_id")
                .iterator().next().getLong(0);
    }

    /**
     * A tick whose snapshot counts this very transaction as committed: used as the cursor of a
     * clone whose push is the only thing central holds for it, so that its own replayed changes
     * are not read again. The current snapshot is shifted: xmax moves past this transaction's xid,
     * every other xid up to it counts as in progress, this one is left out. If this transaction
     * rolls back, the tick goes with it.
     */
    public static long newTickPastSelf(SqlConnection c) {
        return Db.query(c, """
                WITH s AS (SELECT pg_current_snapshot() AS snap, pg_current_xact_id()::text::bigint AS me),
                     x AS (SELECT greatest(pg_snapshot_xmax(snap)::text::bigint, me + 1) AS xmax,
                                  ARRAY(SELECT i FROM (SELECT j::text::bigint AS i FROM pg_snapshot_xip(snap) j
                                                       UNION
                                                       SELECT generate_series(pg_snapshot_xmax(snap)::text::bigint, me - 1)) u
                                        WHERE i <> me ORDER BY i) AS xip
                           FROM s)
                INSERT INTO lizsync.ticks (tick_snapshot)
                SELECT (coalesce(xip[1], xmax)::text || ':' || xmax::text || ':' || array_to_string(xip, ','))::pg_snapshot
                FROM x
                RETURNING tick_id""").iterator().next().getLong(0);
    }

    public static void dropTick(SqlConnection c, long tick) {
        Db.query(c, "DELETE FROM lizsync.ticks WHERE tick_id = $1", tick);
    }

    public static List<TableRef> cloneTables(SqlConnection c, String cloneId) {
        List<TableRef> out = new ArrayList<>();
        for (Row r : Db.query(c, "SELECT schema_name, table_name FROM lizsync.synchronized_tables "
                + "WHERE server_id = $1::uuid ORDER BY 1, 2", cloneId)) {
            out.add(new TableRef(r.getString(0), r.getString(1)));
        }
        return out;
    }

    public static Map<TableRef, ConflictPolicy> policies(SqlConnection c) {
        Map<TableRef, ConflictPolicy> out = new HashMap<>();
        for (Row r : Db.query(c, "SELECT schema_name, table_name, policy FROM lizsync.table_policies")) {
            out.put(new TableRef(r.getString(0), r.getString(1)), ConflictPolicy.fromSql(r.getString(2)));
        }
        return out;
    }

    /** Where a push reads central's pending changes: the tick's oldest transaction and the push's own. */
    public record PendingWindow(long tick, String xmin, String self) {
    }

    /**
     * Opens the window a push reads central's pending changes through; assigns the push's
     * transaction id (it writes anyway).
     */
    public static PendingWindow pendingWindow(SqlConnection c, long tick) {
        Row r = Db.query(c, "SELECT pg_current_xact_id()::text, (SELECT pg_snapshot_xmin(k.tick_snapshot)::text "
                + "FROM lizsync.ticks k WHERE k.tick_id = $1)", tick).iterator().next();
        if (r.getString(1) == null) {
            throw new ExchangeException(Reason.PRECONDITION, "the clone's position " + tick
                    + " is no longer in central's log: deploy a new package");
        }
        return new PendingWindow(tick, r.getString(1), r.getString(0));
    }

    /**
     * The push's one look at the log when it opens: this statement's snapshot (its xmax and its
     * in-progress transactions), and the transactions committed by then whose log rows the clone's
     * tick does not see (the push's own left out), the oldest {@code MAX_LISTED + 1} of them at
     * most: a clone long away may have millions, and one more than the scope lists already means
     * "read from the oldest" (central's memory stays flat). What each batch then reads is decided by
     * {@code PendingScope}.
     */
    public record OpenLook(long xmax, List<Long> running, List<Long> committed) {
    }

    public static OpenLook openLook(SqlConnection c, PendingWindow w) {
        Row r = Db.query(c, """
                SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint,
                       ARRAY(SELECT x::text::bigint FROM pg_snapshot_xip(pg_current_snapshot()) x),
                       ARRAY(SELECT DISTINCT l.transaction_id::text::bigint
                             FROM audit.logged_actions l JOIN lizsync.ticks k ON k.tick_id = $1
                             WHERE l.transaction_id >= CAST($2 AS text)::xid8 AND l.transaction_id <> CAST($3 AS text)::xid8
                               AND NOT pg_visible_in_snapshot(l.transaction_id, k.tick_snapshot)
                             ORDER BY 1 LIMIT $4)""",
                w.tick(), w.xmin(), w.self(), PendingScope.MAX_LISTED + 1L).iterator().next();
        return new OpenLook(r.getLong(0), List.of(r.getArrayOfLongs(1)), List.of(r.getArrayOfLongs(2)));
    }

    /**
     * Closes the read's last range: a generic plan estimates an open range ({@code >= $n}) at a third
     * of the table and may scan the whole log, the push's own growing rows included, at every
     * batch; a closed one it estimates small, and reads through the index.
     */
    private static final String NO_XID_ABOVE = String.valueOf(Long.MAX_VALUE);

    /**
     * Central's changes of the given rows that the clone has not received since the window's tick,
     * in event order, leaving out what this push wrote itself (the rows it replayed or derived so
     * far are not "central's side" of a conflict). Only the transactions the scope names are read
     * (index lookups and ranges on transaction_id, around the push's own transaction: its rows grow
     * with every batch), not the whole log since the tick; the rows asked for are joined (a hash
     * join over the batch's uids), not tested one by one against an array.
     */
    public static List<LoggedChange> pendingOf(SqlConnection c, PendingWindow w, PendingScope scope,
            Map<TableRef, List<String>> uidsByTable, String centralId) {
        // The batch's rows are locked first, in the same round trip (the read is pipelined behind
        // the locks): a central transaction that edits one of them and commits before the lock is
        // granted is then in the read's snapshot (a conflict), instead of being overwritten unseen by
        // the replay that would have waited for it (ADR 0008, "Locked before read").
        List<CompletableFuture<RowSet<Row>>> locks = new ArrayList<>();
        List<String> uids = new ArrayList<>();
        uidsByTable.forEach((table, ofTable) -> {
            locks.add(Db.send(c, "SELECT 1 FROM " + table.quoted() + " AS lizsync_t WHERE lizsync_t.uid = ANY "
                    + "($1::text[]::uuid[]) ORDER BY lizsync_t.uid FOR UPDATE OF lizsync_t",
                    (Object) ofTable.toArray(new String[0])));
            uids.addAll(ofTable);
        });
        var read = Db.send(c, "SELECT " + ChangeLog.COLUMNS + """
                 FROM audit.logged_actions l
                 JOIN unnest($2::text[]::uuid[]) AS w (uid) ON w.uid = l.uid
                 JOIN lizsync.ticks k ON k.tick_id = $1
                WHERE (l.transaction_id = ANY (CAST($3 AS text)::xid8[])
                       OR (l.transaction_id >= CAST($4 AS text)::xid8 AND l.transaction_id < CAST($5 AS text)::xid8)
                       OR (l.transaction_id >= CAST($6 AS text)::xid8 AND l.transaction_id < CAST($7 AS text)::xid8))
                  AND l.action <> 'T'
                  AND NOT pg_visible_in_snapshot(l.transaction_id, k.tick_snapshot)
                ORDER BY l.event_id""", w.tick(), uids.toArray(new String[0]), scope.committedLiteral(),
                String.valueOf(scope.from()), String.valueOf(scope.self()), String.valueOf(scope.highFrom()), NO_XID_ABOVE);
        locks.forEach(Db::await); // in the order sent: a failed lock is the failure reported
        List<LoggedChange> out = new ArrayList<>();
        for (Row r : Db.await(read)) {
            out.add(ChangeLog.toChange(r, centralId));
        }
        return out;
    }

    /**
     * True when central holds something the clone has not seen since {@code tick}: a change of one
     * of its tables written by another node (its own changes never go back to it, except those an
     * earlier incarnation of it sent, logged up to its echo horizon), or a row to resend whole.
     * Committed changes only (this transaction's snapshot).
     */
    public static boolean pendingFor(SqlConnection c, String cloneId, long tick) {
        return pendingResult(Db.await(sendPendingFor(c, cloneId, tick)));
    }

    public static CompletableFuture<RowSet<Row>> sendPendingFor(SqlConnection c, String cloneId, long tick) {
        return Db.send(c, """
                SELECT EXISTS (SELECT 1 FROM audit.logged_actions l, lizsync.ticks k
                               WHERE k.tick_id = $2 AND l.action <> 'T'
                                 AND l.transaction_id >= pg_snapshot_xmin(k.tick_snapshot)
                                 AND NOT pg_visible_in_snapshot(l.transaction_id, k.tick_snapshot)
                                 AND ((l.sync_data ->> 'origin') IS DISTINCT FROM $1
                                      OR l.event_id <= (SELECT h.echo_horizon FROM lizsync.clone_state h
                                                        WHERE h.clone_id = $1::uuid))
                                 AND EXISTS (SELECT 1 FROM lizsync.synchronized_tables s
                                             WHERE s.server_id = $1::uuid AND s.schema_name = l.schema_name
                                               AND s.table_name = l.table_name))
                    OR EXISTS (SELECT 1 FROM lizsync.resend_rows r WHERE r.clone_id = $1::uuid)""", cloneId, tick);
    }

    public static boolean pendingResult(RowSet<Row> rs) {
        return rs.iterator().next().getBoolean(0);
    }

    /** Records decisions; returns how many were left pending for an administrator. */
    public static long recordDecisions(SqlConnection c, String cloneId, List<ConflictResolver.Decision> decisions,
            Long uncertaintyMs) {
        List<Tuple> rows = new ArrayList<>();
        long pending = 0;
        for (var d : decisions) {
            if (d.winner().equals("pending")) {
                pending++;
            }
            rows.add(Tuple.from(new Object[] {d.table().schema(), d.table().table(), d.uid(), d.field(), cloneId,
                String.valueOf(d.centralAction()), json(d.centralValue()), odt(d.centralAt()),
                String.valueOf(d.cloneAction()), json(d.cloneValue()), odt(d.cloneAt()), d.rule(), d.winner(),
                uncertaintyMs, d.withinClockUncertainty()}));
        }
        Db.batch(c, """
                INSERT INTO lizsync.conflicts (schema_name, table_name, object_uid, field_name, clone_id, central_action,
                    central_value, central_edited_at, clone_action, clone_value, clone_edited_at, rule_applied, winner,
                    clock_uncertainty_ms, within_clock_uncertainty)
                VALUES ($1, $2, $3::uuid, $4, $5::uuid, $6::"char", $7::text::jsonb, $8, $9::"char", $10::text::jsonb, $11,
                        $12, $13, $14, $15)""",
                rows);
        return pending;
    }

    public static void recordResend(SqlConnection c, String cloneId, List<io.lizsync.sync.engine.NetChange.RowKey> keys) {
        List<Tuple> rows = new ArrayList<>();
        keys.forEach(k -> rows.add(Tuple.of(cloneId, k.table().schema(), k.table().table(), k.uid())));
        Db.batch(c, "INSERT INTO lizsync.resend_rows (clone_id, schema_name, table_name, uid) "
                + "VALUES ($1::uuid, $2, $3, $4::uuid) ON CONFLICT DO NOTHING", rows);
    }

    /** The recorded result of an earlier push with this id: (applied, conflicts), or null. */
    public static long[] receivedPush(SqlConnection c, String pushId) {
        var done = Db.query(c, "SELECT applied, conflicts FROM lizsync.received_pushes WHERE push_id = $1::uuid", pushId);
        if (done.size() == 0) {
            return null;
        }
        Row d = done.iterator().next();
        return new long[] {d.getLong(0), d.getLong(1)};
    }

    /** The clone → central history item and the push's receipt. */
    public static void recordPush(SqlConnection c, String pushId, String syncId, String cloneId, String centralId,
            long received, long applied, long conflicts, Long firstEvent, Long lastEvent, Long offsetMs,
            Long uncertaintyMs) {
        Db.query(c, """
                INSERT INTO lizsync.history (sync_id, server_from, server_to, sync_type, sync_status, change_count,
                                             conflict_count, min_event_id, max_event_id, clock_offset_ms,
                                             clock_uncertainty_ms)
                VALUES ($1::uuid, $2::uuid, ARRAY[$3::uuid], 'partial', 'done', $4, $5, $6, $7, $8, $9)""",
                syncId, cloneId, centralId, applied, conflicts, firstEvent, lastEvent, offsetMs, uncertaintyMs);
        Db.query(c, """
                INSERT INTO lizsync.received_pushes (push_id, clone_id, change_count, applied, conflicts, sync_id)
                VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6::uuid)""", pushId, cloneId, received, applied, conflicts,
                syncId);
    }

    /** The push completed the session: no pull, the cursor moves past the clone's own changes. */
    public static void completeSessionAt(SqlConnection c, String cloneId, long tick) {
        Db.query(c, "UPDATE lizsync.clone_state SET session_id = NULL, last_sync = now(), last_tick_id = $2 "
                + "WHERE clone_id = $1::uuid", cloneId, tick);
    }

    /** Central's database clock now. */
    public static Instant databaseNow(io.vertx.mutiny.sqlclient.Pool pool) {
        return Db.query(pool, "SELECT clock_timestamp()").iterator().next().getOffsetDateTime(0).toInstant();
    }

    /** Keeps the offset central measured for the clone's open session (refused when the session is not open). */
    public static void recordClock(SqlConnection c, String cloneId, String sessionId, long offsetMs, long uncertaintyMs) {
        var rs = Db.query(c, """
                UPDATE lizsync.clone_state SET session_clock_offset_ms = $3, session_clock_uncertainty_ms = $4,
                    last_clock_offset_ms = $3, last_clock_uncertainty_ms = $4, last_clock_measured_at = now()
                WHERE clone_id = $1::uuid AND session_id = $2::uuid""", cloneId, sessionId, offsetMs, uncertaintyMs);
        if (rs.rowCount() == 0) {
            throw new ExchangeException(Reason.ABORTED,
                    "session " + sessionId + " is not (or no longer) the clone's open session; start again with hello");
        }
    }

    private static String json(Object value) {
        return value == null ? null : Json.encode(value);
    }

    private static OffsetDateTime odt(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }
}
