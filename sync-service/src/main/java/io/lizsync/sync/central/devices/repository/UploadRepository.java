package io.lizsync.sync.central.devices.repository;

import io.lizsync.sql.Sql;
import io.lizsync.sync.central.devices.service.LayerShape;
import io.lizsync.sync.db.ChangeLog;
import io.lizsync.sync.db.Db;
import io.lizsync.sync.engine.LoggedChange;
import io.lizsync.sync.engine.TableRef;
import io.lizsync.sync.central.exchange.service.ExchangeException;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The SQL of device uploads: the request's receipt, value checks, the rows before and after.
 * {@code send…} methods send their statement without waiting (the connection pipelines it behind
 * those sent before: an upload makes two round trips, whatever its statements); the matching
 * method of the same name without {@code send} reads the answer.
 */
public final class UploadRepository {

    private UploadRepository() {
    }

    /** An upload already received with this request id: its import, request hash and stored answer. */
    public record Earlier(String importId, String requestHash, String answer) {
    }

    /** The receipt of a new upload; or, when the request id was used before, that upload's record. */
    public record Receipt(Instant receivedAt, Earlier earlier) {
    }

    /**
     * Records the request id first: a concurrent upload with the same id waits here until this
     * one ends, then finds it (or takes over when this one rolled back).
     */
    public static CompletableFuture<RowSet<Row>> sendReceive(SqlConnection c, String deviceId, String requestId,
            String importId, String hash) {
        return Db.send(c, """
                INSERT INTO lizsync.device_uploads (device_id, request_id, import_id, request_hash)
                VALUES ($1::uuid, $2, $3::uuid, $4) ON CONFLICT (device_id, request_id) DO NOTHING
                RETURNING clock_timestamp()""", deviceId, requestId, importId, hash);
    }

    /** The receipt; when the request id was taken, the earlier upload's record (read now: it committed meanwhile). */
    public static Receipt receive(SqlConnection c, RowSet<Row> rs, String deviceId, String requestId) {
        if (rs.size() > 0) {
            return new Receipt(rs.iterator().next().getOffsetDateTime(0).toInstant(), null);
        }
        Row r = Db.query(c, "SELECT import_id::text, request_hash, convert_from(answer, 'UTF8') FROM lizsync.device_uploads "
                + "WHERE device_id = $1::uuid AND request_id = $2", deviceId, requestId).iterator().next();
        return new Receipt(null, new Earlier(r.getString(0), r.getString(1), r.getString(2)));
    }

    /** A geometry converted for the layer (hex EWKB), or the reason it cannot be. */
    public record Geometry(String ewkb, String error) {
    }

    public static CompletableFuture<RowSet<Row>> sendGeometries(SqlConnection c, List<String> inputs, int srid,
            LayerShape layer) {
        return Db.send(c, "SELECT g.ewkb, g.error FROM unnest($1::text[]) WITH ORDINALITY AS u (v, i), "
                + "lizsync.device_geometry(u.v, $2, $3, $4) AS g ORDER BY u.i", inputs.toArray(new String[0]), srid,
                layer.srid(), layer.geometryType());
    }

    public static List<Geometry> geometries(RowSet<Row> rs) {
        List<Geometry> out = new ArrayList<>();
        for (Row r : rs) {
            out.add(new Geometry(r.getString(0), r.getString(1)));
        }
        return out;
    }

    /** The first (value, type) whose value is not valid input for the type (tools V14: one call for all). */
    public static CompletableFuture<RowSet<Row>> sendValueErrors(SqlConnection c, List<String> values,
            List<String> types) {
        return Db.send(c, "SELECT e.ord - 1, e.error FROM lizsync.device_value_errors($1::text[], $2::text[]) AS e",
                values.toArray(new String[0]), types.toArray(new String[0]));
    }

    /** A value that is not valid input for its column's type: its place in the values sent, and why. */
    public record ValueError(int at, String error) {
    }

    /** The first invalid value, or null. */
    public static ValueError valueError(RowSet<Row> rs) {
        for (Row r : rs) {
            return new ValueError(r.getInteger(0), r.getString(1));
        }
        return null;
    }

    /** The rows' current versions by uid, locked for the transaction. */
    public static CompletableFuture<RowSet<Row>> sendLockVersions(SqlConnection c, LayerShape layer,
            List<String> uids) {
        String uid = "t." + Sql.ident(layer.uidColumn());
        return Db.send(c, "SELECT " + uid + "::text, md5(CAST(t AS text)) FROM " + layer.table().quoted()
                + " AS t WHERE " + uid + " = ANY ($1::text[]::uuid[]) FOR UPDATE", (Object) uids.toArray(new String[0]));
    }

    public static Map<String, String> versions(RowSet<Row> rs) {
        Map<String, String> out = new HashMap<>();
        for (Row r : rs) {
            out.put(r.getString(0), r.getString(1));
        }
        return out;
    }

    /**
     * The log rows of these rows that a device's position (a snapshot) does not see, in event
     * order: what changed on central since the device last received the layer.
     */
    public static List<LoggedChange> changedSince(SqlConnection c, TableRef table, String snapshot, List<String> uids,
            String centralId) {
        List<LoggedChange> out = new ArrayList<>();
        for (Row r : Db.query(c, "SELECT " + ChangeLog.COLUMNS + """
                 FROM audit.logged_actions l
                 JOIN unnest($2::text[]::uuid[]) AS w (uid) ON w.uid = l.uid
                WHERE l.transaction_id >= pg_snapshot_xmin(CAST($1 AS text)::pg_snapshot)
                  AND NOT pg_visible_in_snapshot(l.transaction_id, CAST($1 AS text)::pg_snapshot)
                  AND l.schema_name = $3 AND l.table_name = $4 AND l.action <> 'T'
                ORDER BY l.event_id""", snapshot, uids.toArray(new String[0]), table.schema(), table.table())) {
            out.add(ChangeLog.toChange(r, centralId));
        }
        return out;
    }

    /**
     * For a device without a position: the log rows of the transaction that last wrote each of
     * these rows (the row's {@code xmin}, widened to the log's 64-bit transaction id, found through
     * the log's transaction index), in event order: central's last change of each row.
     */
    public static List<LoggedChange> lastChanges(SqlConnection c, LayerShape layer, List<String> uids,
            String centralId) {
        List<LoggedChange> out = new ArrayList<>();
        String uid = "t." + Sql.ident(layer.uidColumn());
        for (Row r : Db.query(c, "WITH lizsync_n AS (SELECT CAST(CAST(pg_current_xact_id() AS text) AS bigint) AS x), "
                + "lizsync_r AS (SELECT " + uid + " AS uid, CAST(CAST(t.xmin AS text) AS bigint) AS x32 FROM "
                + layer.table().quoted() + " AS t WHERE " + uid + " = ANY ($1::text[]::uuid[])) SELECT "
                + ChangeLog.COLUMNS + """
                 FROM lizsync_r JOIN lizsync_n ON true
                 JOIN audit.logged_actions l ON l.transaction_id = CAST(CAST(
                      (((lizsync_n.x >> 32) - CASE WHEN lizsync_r.x32 > (lizsync_n.x & 4294967295) THEN 1 ELSE 0 END) << 32)
                      | lizsync_r.x32 AS text) AS xid8)
                  AND l.uid = lizsync_r.uid
                WHERE l.schema_name = $2 AND l.table_name = $3 AND l.action <> 'T'
                ORDER BY l.event_id""", uids.toArray(new String[0]), layer.table().schema(), layer.table().table())) {
            out.add(ChangeLog.toChange(r, centralId));
        }
        return out;
    }

    /** Central's server id and the device's position snapshot for the layer (null when it has none). */
    public record Context(String centralId, String position) {
    }

    public static CompletableFuture<RowSet<Row>> sendContext(SqlConnection c, String deviceId, TableRef table) {
        return Db.send(c, """
                SELECT (SELECT server_id::text FROM lizsync.server_metadata LIMIT 1),
                       (SELECT position_snapshot::text FROM lizsync.device_positions
                         WHERE device_id = $1::uuid AND schema_name = $2 AND table_name = $3)""",
                deviceId, table.schema(), table.table());
    }

    public static Context context(RowSet<Row> rs) {
        Row r = rs.iterator().next();
        if (r.getString(0) == null) {
            throw new ExchangeException(ExchangeException.Reason.PRECONDITION,
                    "central has no server id: run prepare with add server id first");
        }
        return new Context(r.getString(0), r.getString(1));
    }

    /**
     * Forgets the answers of uploads received before {@code retention} ago (their request ids may
     * be used again); sent outside the upload's transaction.
     */
    public static CompletableFuture<RowSet<Row>> sendPrune(SqlConnection c, java.time.Duration retention) {
        return Db.send(c, "DELETE FROM lizsync.device_uploads WHERE received_at < clock_timestamp() "
                + "- CAST($1 AS bigint) * interval '1 millisecond'", retention.toMillis());
    }

    /** A row as central holds it after the upload. */
    public record Stored(String keyJson, String version, String rowJson) {
    }

    /**
     * The rows as central now holds them (read once) and the stored answer built from them in the
     * same statement (a data-modifying WITH): the answer needs no round trip of its own, so it and
     * the COMMIT are pipelined behind the writes. {@code outcomes} are the edits' outcomes as JSON,
     * in order, and {@code outcomeUids} their uids (joined as text: a {@code ->>} on each JSON
     * outcome would parse it again for every row compared); the stored answer is what {@code Json.encode} makes of the service's
     * answer (its results: each outcome with its row's key, version and JSON, nulls without a row).
     */
    public static CompletableFuture<RowSet<Row>> sendRowsAndAnswer(SqlConnection c, LayerShape layer, List<String> uids,
            String deviceId, String requestId, String importId, List<String> outcomes, List<String> outcomeUids) {
        String uid = "t." + Sql.ident(layer.uidColumn());
        String key = layer.primaryKey().isEmpty() ? "CAST(NULL AS text)" : RowQueries.keyJson(layer);
        return Db.send(c, "WITH lizsync_r (u, k, v, j) AS (SELECT " + uid + "::text, " + key + ", md5(CAST(t AS text)), "
                + RowQueries.rowJson(layer) + " FROM " + layer.table().quoted() + " AS t WHERE " + uid
                + " = ANY ($1::text[]::uuid[])), lizsync_a AS (UPDATE lizsync.device_uploads SET answer = convert_to("
                + "json_build_object('importId', $4::text, 'results', COALESCE((SELECT json_agg(json_build_object("
                + "'outcome', CAST(o.v AS json), 'keyJson', r.k, 'version', r.v, 'rowJson', r.j) ORDER BY o.i) FROM unnest("
                + "$5::text[], $6::text[]) WITH ORDINALITY AS o (v, u, i) LEFT JOIN lizsync_r AS r ON r.u = o.u), '[]'::json), "
                + "'replayed', false)::text, 'UTF8') WHERE device_id = $2::uuid AND request_id = $3 RETURNING 1) "
                + "SELECT u, k, v, j FROM lizsync_r", uids.toArray(new String[0]), deviceId, requestId, importId,
                outcomes.toArray(new String[0]), outcomeUids.toArray(new String[0]));
    }

    public static Map<String, Stored> rows(RowSet<Row> rs) {
        Map<String, Stored> out = new HashMap<>();
        for (Row r : rs) {
            out.put(r.getString(0), new Stored(r.getString(1), r.getString(2), r.getString(3)));
        }
        return out;
    }

    /** The import's history item: the device to central, like a clone's push. */
    public static CompletableFuture<RowSet<Row>> sendImport(SqlConnection c, String importId, String deviceId,
            String centralId, long applied, long conflicts) {
        return Db.send(c, """
                INSERT INTO lizsync.history (sync_id, server_from, server_to, sync_type, sync_status, change_count,
                                             conflict_count)
                VALUES ($1::uuid, $2::uuid, ARRAY[$3::uuid], 'partial', 'done', $4, $5)""",
                importId, deviceId, centralId, applied, conflicts);
    }
}
