package io.lizsync.sync.central.devices.repository;

import io.lizsync.sync.central.devices.service.DownloadPlan;
import io.lizsync.sync.central.devices.service.DownloadTokens.Checkpoint;
import io.lizsync.sync.db.Db;
import io.lizsync.sync.engine.TableRef;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;

/** Devices' positions and uploads on central (tools V13, ADR 0020). */
public final class DeviceRepository {

    private DeviceRepository() {
    }

    /**
     * Moves a device's position to a checkpoint it confirmed, in one statement that commits by
     * itself without waiting for the disk (synchronous_commit off for its own transaction, set in
     * the statement): a confirmation lost in a crash only means rows sent again.
     */
    private static final String CONFIRM = """
            WITH lizsync_async AS (SELECT set_config('synchronous_commit', 'off', true))
            INSERT INTO lizsync.device_positions (device_id, schema_name, table_name, position_snapshot, area,
                                                 structure_version, confirmed_at)
            SELECT $1::uuid, $2, $3, CAST($4 AS text)::pg_snapshot, $5, $6, clock_timestamp() FROM lizsync_async
            ON CONFLICT (device_id, schema_name, table_name) DO UPDATE
            SET position_snapshot = EXCLUDED.position_snapshot, area = EXCLUDED.area,
                structure_version = EXCLUDED.structure_version, confirmed_at = EXCLUDED.confirmed_at""";

    /** {@link #CONFIRM}, on a client outside any transaction. */
    public static void confirm(SqlClient c, Checkpoint k) {
        Db.await(c.preparedQuery(CONFIRM).execute(io.vertx.mutiny.sqlclient.Tuple.from(confirmParams(k))));
    }

    /** {@link #CONFIRM} sent without waiting (pipelined before a download's transaction), outside any transaction. */
    public static java.util.concurrent.CompletableFuture<io.vertx.mutiny.sqlclient.RowSet<Row>> sendConfirm(SqlConnection c,
            Checkpoint k) {
        return Db.send(c, CONFIRM, confirmParams(k));
    }

    private static Object[] confirmParams(Checkpoint k) {
        return new Object[] {k.deviceId(), k.schema(), k.table(), k.snapshot(), k.area(), k.structureVersion()};
    }

    /**
     * What a download starts from, read as the first statement of its transaction (its snapshot):
     * the snapshot, the log's horizon, the device's position and whether the table was truncated
     * since (its rows are then not in the log).
     */
    public record Start(String snapshot, long prunedBelow, DownloadPlan.Position position, boolean truncated) {
    }

    private static final String START = """
            SELECT pg_current_snapshot()::text, (SELECT h.pruned_below::text::bigint FROM lizsync.log_horizon h),
                   p.position_snapshot::text, pg_snapshot_xmin(p.position_snapshot)::text::bigint, p.area,
                   p.structure_version,
                   p.position_snapshot IS NOT NULL AND EXISTS (SELECT 1 FROM audit.logged_actions l
                       WHERE l.transaction_id >= pg_snapshot_xmin(p.position_snapshot)
                         AND NOT pg_visible_in_snapshot(l.transaction_id, p.position_snapshot)
                         AND l.schema_name = $2 AND l.table_name = $3 AND l.action = 'T')
            FROM (SELECT 1) AS one
            LEFT JOIN lizsync.device_positions p ON p.device_id = $1::uuid AND p.schema_name = $2
                 AND p.table_name = $3""";

    /** {@link Start}'s statement sent without waiting; read its answer with {@link #start(io.vertx.mutiny.sqlclient.RowSet)}. */
    public static java.util.concurrent.CompletableFuture<io.vertx.mutiny.sqlclient.RowSet<Row>> sendStart(SqlConnection c,
            String deviceId, TableRef table) {
        return Db.send(c, START, deviceId, table.schema(), table.table());
    }

    public static Start start(io.vertx.mutiny.sqlclient.RowSet<Row> rs) {
        Row r = rs.iterator().next();
        Long horizon = r.getLong(1);
        DownloadPlan.Position position = r.getString(2) == null ? null
                : new DownloadPlan.Position(r.getString(2), r.getLong(3), r.getString(4), r.getString(5));
        return new Start(r.getString(0), horizon == null ? 0 : horizon, position, r.getBoolean(6));
    }

    /** The oldest transaction a snapshot does not see. */
    public static long xmin(SqlClient c, String snapshot) {
        return Db.await(c.preparedQuery("SELECT pg_snapshot_xmin(CAST($1 AS text)::pg_snapshot)::text::bigint")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(snapshot))).iterator().next().getLong(0);
    }

    /** Drops one position (older than the log's retention: the next download is a reset). */
    public static void dropPosition(SqlClient c, String deviceId, TableRef table) {
        Db.await(c.preparedQuery("DELETE FROM lizsync.device_positions WHERE device_id = $1::uuid AND schema_name = $2"
                + " AND table_name = $3").execute(io.vertx.mutiny.sqlclient.Tuple.of(deviceId, table.schema(),
                        table.table())));
    }

    /** Drops every position of a device; returns how many. */
    public static long forget(SqlClient c, String deviceId) {
        return Db.await(c.preparedQuery("DELETE FROM lizsync.device_positions WHERE device_id = $1::uuid")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(deviceId))).rowCount();
    }

    /**
     * An area of interest as EWKT in the layer's SRID (the form positions keep and compare), from a
     * WKT or a bounding box in the layer's SRID or 4326; IllegalArgumentException when it is not one.
     */
    public static String area(SqlClient c, String wkt, double[] bbox, int srid, int layerSrid) {
        String geometry = wkt != null ? "ST_SetSRID(ST_GeomFromText($1), $2)" : "ST_MakeEnvelope($3, $4, $5, $6, $2)";
        String target = layerSrid == 0 || layerSrid == srid ? geometry : "ST_Transform(" + geometry + ", " + layerSrid + ")";
        String sql = "SELECT ST_AsEWKT(" + target + "), ST_IsValid(" + geometry + "), GeometryType(" + geometry + ")"
                + " FROM (SELECT CAST($1 AS text), CAST($3 AS float8), CAST($4 AS float8), CAST($5 AS float8),"
                + " CAST($6 AS float8)) AS params";
        try {
            Row r = Db.await(c.preparedQuery(sql).execute(io.vertx.mutiny.sqlclient.Tuple.from(new Object[] {wkt,
                srid, bbox == null ? null : bbox[0], bbox == null ? null : bbox[1],
                bbox == null ? null : bbox[2], bbox == null ? null : bbox[3]}))).iterator().next();
            if (!r.getBoolean(1) || !r.getString(2).toUpperCase(java.util.Locale.ROOT).endsWith("POLYGON")) {
                throw new IllegalArgumentException("area: a valid polygon or multipolygon is needed, not "
                        + r.getString(2));
            }
            return r.getString(0);
        } catch (io.vertx.pgclient.PgException e) {
            throw new IllegalArgumentException("area: " + e.getErrorMessage());
        }
    }
}
