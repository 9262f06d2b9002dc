package io.lizsync.sync.central.devices.repository;

import io.lizsync.sql.Sql;
import io.lizsync.sync.central.devices.service.LayerShape;
import io.lizsync.sync.db.ChangeLog;
import io.lizsync.sync.db.Db;
import io.lizsync.sync.engine.LoggedChange;
import io.lizsync.sync.engine.TableRef;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The SQL of device uploads: the request's receipt, value checks, the rows before and after. */
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
    public static Receipt receive(SqlConnection c, String deviceId, String requestId, String importId, String hash) {
        var rs = Db.query(c, """
                INSERT INTO lizsync.device_uploads (device_id, request_id, import_id, request_hash)
                VALUES ($1::uuid, $2, $3::uuid, $4) ON CONFLICT (device_id, request_id) DO NOTHING
                RETURNING clock_timestamp()""", deviceId, requestId, importId, hash);
        if (rs.size() > 0) {
            return new Receipt(rs.iterator().next().getOffsetDateTime(0).toInstant(), null);
        }
        Row r = Db.query(c, "SELECT import_id::text, request_hash, convert_from(answer, 'UTF8') FROM lizsync.device_uploads "
                + "WHERE device_id = $1::uuid AND request_id = $2", deviceId, requestId).iterator().next();
        return new Receipt(null, new Earlier(r.getString(0), r.getString(1), r.getString(2)));
    }

    public static void storeAnswer(SqlConnection c, String deviceId, String requestId, String answer) {
        Db.query(c, "UPDATE lizsync.device_uploads SET answer = convert_to($3, 'UTF8') WHERE device_id = $1::uuid "
                + "AND request_id = $2", deviceId, requestId, answer);
    }

    /** A geometry converted for the layer (hex EWKB), or the reason it cannot be. */
    public record Geometry(String ewkb, String error) {
    }

    public static List<Geometry> geometries(SqlConnection c, List<String> inputs, int srid, LayerShape layer) {
        List<Geometry> out = new ArrayList<>();
        for (Row r : Db.query(c, "SELECT g.ewkb, g.error FROM unnest($1::text[]) WITH ORDINALITY AS u (v, i), "
                + "lizsync.device_geometry(u.v, $2, $3, $4) AS g ORDER BY u.i", inputs.toArray(new String[0]), srid,
                layer.srid(), layer.geometryType())) {
            out.add(new Geometry(r.getString(0), r.getString(1)));
        }
        return out;
    }

    /** For each (value, type), why the value is not valid input for the type (null when it is). */
    public static List<String> valueErrors(SqlConnection c, List<String> values, List<String> types) {
        List<String> out = new ArrayList<>();
        for (Row r : Db.query(c, "SELECT lizsync.device_value_error(u.v, u.t) FROM unnest($1::text[], $2::text[]) "
                + "WITH ORDINALITY AS u (v, t, i) ORDER BY u.i", values.toArray(new String[0]),
                types.toArray(new String[0]))) {
            out.add(r.getString(0));
        }
        return out;
    }

    /** The rows' current versions by uid, locked for the transaction. */
    public static Map<String, String> lockVersions(SqlConnection c, LayerShape layer, List<String> uids) {
        Map<String, String> out = new HashMap<>();
        String uid = "t." + Sql.ident(layer.uidColumn());
        for (Row r : Db.query(c, "SELECT " + uid + "::text, md5(CAST(t AS text)) FROM " + layer.table().quoted()
                + " AS t WHERE " + uid + " = ANY ($1::text[]::uuid[]) FOR UPDATE", (Object) uids.toArray(new String[0]))) {
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

    /** The device's position snapshot for the layer, or null. */
    public static String position(SqlConnection c, String deviceId, TableRef table) {
        var rs = Db.query(c, "SELECT position_snapshot::text FROM lizsync.device_positions WHERE device_id = $1::uuid "
                + "AND schema_name = $2 AND table_name = $3", deviceId, table.schema(), table.table());
        return rs.size() == 0 ? null : rs.iterator().next().getString(0);
    }

    /** A row as central holds it after the upload. */
    public record Stored(String keyJson, String version, String rowJson) {
    }

    public static Map<String, Stored> rows(SqlConnection c, LayerShape layer, List<String> uids) {
        Map<String, Stored> out = new HashMap<>();
        String uid = "t." + Sql.ident(layer.uidColumn());
        String key = layer.primaryKey().isEmpty() ? "CAST(NULL AS text)" : RowQueries.keyJson(layer);
        for (Row r : Db.query(c, "SELECT " + uid + "::text, " + key + ", md5(CAST(t AS text)), "
                + RowQueries.rowJson(layer) + " FROM " + layer.table().quoted() + " AS t WHERE " + uid
                + " = ANY ($1::text[]::uuid[])", (Object) uids.toArray(new String[0]))) {
            out.put(r.getString(0), new Stored(r.getString(1), r.getString(2), r.getString(3)));
        }
        return out;
    }

    /** The import's history item: the device to central, like a clone's push. */
    public static void recordImport(SqlConnection c, String importId, String deviceId, String centralId, long applied,
            long conflicts) {
        Db.query(c, """
                INSERT INTO lizsync.history (sync_id, server_from, server_to, sync_type, sync_status, change_count,
                                             conflict_count)
                VALUES ($1::uuid, $2::uuid, ARRAY[$3::uuid], 'partial', 'done', $4, $5)""",
                importId, deviceId, centralId, applied, conflicts);
    }
}
