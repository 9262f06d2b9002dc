package io.lizsync.sync.central.review.repository;

import io.lizsync.sync.db.Catalog;
import io.lizsync.sync.db.Db;
import io.lizsync.sync.engine.TableRef;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The SQL of the review on central: history, conflicts and their decisions, table policies, clone states. */
@ApplicationScoped
public class ReviewRepository {

    private final Pool pool;

    ReviewRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * One row of {@code lizsync.history}; the clock figures are null when none was measured, the
     * session's duration when no finished sync job of the clone spans the item's time.
     */
    public record HistoryItem(String syncId, OffsetDateTime syncTime, String serverFrom, List<String> serverTo,
            String syncType, String syncStatus, long changeCount, long conflictCount, Long clockOffsetMs,
            Long clockUncertaintyMs, Long sessionDurationMs) {
    }

    /**
     * One row of {@code lizsync.conflicts}: actions as their one-letter codes ({@code I}, {@code U},
     * {@code D}), values as JSON text; {@code fieldName} is null for a whole-row conflict.
     */
    public record ConflictRecord(long id, OffsetDateTime conflictTime, String cloneId, String schemaName,
            String tableName, String fieldName, String uid, String centralAction, OffsetDateTime centralEditedAt,
            String centralValueJson, String cloneAction, OffsetDateTime cloneEditedAt, String cloneValueJson,
            String rule, String winner, Long clockUncertaintyMs, boolean withinClockUncertainty) {
    }

    /**
     * A clone's state: name, last sync (null before the first), last contact, changes waiting for it
     * and the age and edit time of the oldest, what it stated at its last hello (unsent edits, the
     * oldest's edit time, tools version), its open assignment's job uuid (null for none), its
     * conflicts waiting for an administrator.
     */
    public record CloneStateRecord(String cloneId, String name, OffsetDateTime lastSync, boolean redeployRequired,
            long pendingEvents, Long lagSeconds, OffsetDateTime oldestPendingAt, OffsetDateTime lastContact,
            long unsentChanges, OffsetDateTime oldestUnsentAt, String toolsVersion, java.util.UUID openAssignment,
            long pendingConflicts) {
    }

    /** A table's conflict policy as stored ({@code ConflictPolicy}'s SQL name). */
    public record TablePolicyRecord(String schemaName, String tableName, String policy) {
    }

    /**
     * History items, newest first (sync_time, sync_id), optionally only those involving
     * {@code serverId} (empty for all), in one direction ({@code toClone}: sent by central, pulls and
     * packages; false: sent by a clone; null: both), in [{@code since}, {@code until}) (nulls: open),
     * strictly older than ({@code afterTime}, {@code afterId}) (nulls: from the newest).
     */
    public List<HistoryItem> history(String serverId, Boolean toClone, OffsetDateTime since, OffsetDateTime until,
            OffsetDateTime afterTime, java.util.UUID afterId, int limit) {
        List<HistoryItem> out = new ArrayList<>();
        for (Row row : Db.query(pool, """
                SELECT h.sync_id::text, h.sync_time, h.server_from::text, h.server_to::text[], h.sync_type, h.sync_status,
                       h.change_count, h.conflict_count, h.clock_offset_ms, h.clock_uncertainty_ms, j.ms
                FROM lizsync.history h
                -- The session that recorded the item: the clone's sync job (ADR 0019) running at its time.
                LEFT JOIN LATERAL (
                    SELECT (extract(epoch FROM (j.finished_at - j.started_at)) * 1000)::bigint AS ms
                    FROM lizsync.sync_jobs j
                    WHERE h.sync_type = 'partial'
                      AND j.clone_id = CASE WHEN h.server_from = (SELECT server_id FROM lizsync.server_metadata LIMIT 1)
                                            THEN h.server_to[1] ELSE h.server_from END
                      AND j.started_at <= h.sync_time AND j.finished_at >= h.sync_time
                    ORDER BY j.created_at DESC LIMIT 1) j ON true
                WHERE ($1::text = '' OR h.server_from::text = $1 OR $1::text = ANY (h.server_to::text[]))
                  AND ($2::boolean IS NULL
                       OR $2 = (h.server_from IS NOT DISTINCT FROM (SELECT server_id FROM lizsync.server_metadata LIMIT 1)))
                  AND ($3::timestamptz IS NULL OR h.sync_time >= $3)
                  AND ($4::timestamptz IS NULL OR h.sync_time < $4)
                  AND ($5::timestamptz IS NULL OR (h.sync_time, h.sync_id) < ($5, $6::uuid))
                ORDER BY h.sync_time DESC, h.sync_id DESC LIMIT $7""", serverId, toClone, since, until, afterTime, afterId, limit)) {
            out.add(new HistoryItem(row.getString(0), row.getOffsetDateTime(1), row.getString(2),
                    Arrays.asList(row.getArrayOfStrings(3)), row.getString(4), row.getString(5), row.getLong(6),
                    row.getLong(7), row.getLong(8), row.getLong(9), row.getLong(10)));
        }
        return out;
    }

    /**
     * Conflicts, newest first (by id), optionally only pending ones, only those of {@code cloneId}
     * (empty for all), detected in [{@code since}, {@code until}) (nulls: open), with an id below
     * {@code belowId} (0: from the newest), or only {@code onlyId} (0: all).
     */
    public List<ConflictRecord> conflicts(boolean pendingOnly, String cloneId, OffsetDateTime since, OffsetDateTime until,
            long belowId, long onlyId, int limit) {
        List<ConflictRecord> out = new ArrayList<>();
        for (Row row : Db.query(pool, SELECT_CONFLICT + """
                 WHERE ($1 = false OR winner = 'pending') AND ($2::text = '' OR clone_id::text = $2)
                   AND ($3::timestamptz IS NULL OR conflict_time >= $3) AND ($4::timestamptz IS NULL OR conflict_time < $4)
                   AND ($5::bigint = 0 OR id < $5) AND ($6::bigint = 0 OR id = $6)
                ORDER BY id DESC LIMIT $7""", pendingOnly, cloneId, since, until, belowId, onlyId, limit)) {
            out.add(conflict(row));
        }
        return out;
    }

    /** Runs {@code work} in one transaction on one connection (the connection methods below). */
    public <T> T inTransaction(Db.TxWork<T> work) throws Exception {
        return Db.inTransaction(pool, work);
    }

    /** Locks a conflict for the transaction; empty when there is none with this id. */
    public Optional<ConflictRecord> lockConflict(SqlConnection c, long id) {
        var rs = Db.query(c, SELECT_CONFLICT + " WHERE id = $1 FOR UPDATE", id);
        if (rs.size() == 0) {
            return Optional.empty();
        }
        return Optional.of(conflict(rs.iterator().next()));
    }

    /** The columns of a table, as the catalog states them now. */
    public Catalog.TableShape shape(SqlConnection c, TableRef table) {
        return Catalog.shape(c, table);
    }

    /** Writes {@code text} (cast to the column's type) into one field of the row {@code uid}: a central edit. */
    public void writeField(SqlConnection c, TableRef table, Catalog.TableShape shape, String field, String text,
            String uid) {
        Db.query(c, "UPDATE " + table.quoted() + " SET " + io.lizsync.sql.Sql.ident(field) + " = CAST($1::text AS "
                + shape.column(field).type() + ") WHERE uid = $2::uuid", text, uid);
    }

    /** Records an administrator's decision on a conflict. */
    public void recordDecision(SqlConnection c, long id, String winner, String decidedBy) {
        Db.query(c, "UPDATE lizsync.conflicts SET winner = $2, rule_applied = 'administrator', "
                + "decided_by = $3, decided_at = now() WHERE id = $1", id, winner, decidedBy);
    }

    /** A conflict as it stands now in the transaction (it must exist). */
    public ConflictRecord conflict(SqlConnection c, long id) {
        return conflict(Db.query(c, SELECT_CONFLICT + " WHERE id = $1", id).iterator().next());
    }

    /** Sets (or replaces) a table's policy, in its own transaction. */
    public void upsertTablePolicy(String schemaName, String tableName, String policy) throws Exception {
        Db.inTransaction(pool, c -> Db.query(c, """
                INSERT INTO lizsync.table_policies (schema_name, table_name, policy) VALUES ($1, $2, $3)
                ON CONFLICT (schema_name, table_name) DO UPDATE SET policy = EXCLUDED.policy""",
                schemaName, tableName, policy));
    }

    /** Every stored table policy, by schema and table. */
    public List<TablePolicyRecord> tablePolicies() {
        List<TablePolicyRecord> out = new ArrayList<>();
        for (Row row : Db.query(pool, "SELECT schema_name, table_name, policy FROM lizsync.table_policies ORDER BY 1, 2")) {
            out.add(new TablePolicyRecord(row.getString(0), row.getString(1), row.getString(2)));
        }
        return out;
    }

    /**
     * Clones' states by name then id, after the keyset position ({@code afterName}, {@code afterId};
     * nulls for the first page), or the one clone {@code cloneId} (null for all), with the changes
     * waiting for each past its last tick.
     */
    public List<CloneStateRecord> cloneStates(String cloneId, String afterName, String afterId, int limit) {
        List<CloneStateRecord> out = new ArrayList<>();
        for (Row row : Db.query(pool, """
                SELECT s.clone_id::text, s.clone_name, s.last_sync, s.redeploy_required, w.n,
                       extract(epoch FROM now() - w.oldest)::bigint, w.oldest, s.last_contact,
                       coalesce(s.unsent_changes, 0), s.oldest_unsent_at, s.contact_tools_version,
                       (SELECT a.job_id FROM lizsync.assignments a
                         WHERE a.clone_id = s.clone_id AND a.state IN ('queued', 'running'))
                     , (SELECT count(*) FROM lizsync.conflicts f WHERE f.clone_id = s.clone_id AND f.winner = 'pending')
                FROM lizsync.clone_state s
                LEFT JOIN LATERAL (
                    SELECT count(*) AS n, min(l.action_tstamp_tx) AS oldest
                    FROM audit.logged_actions l, lizsync.ticks k
                    WHERE k.tick_id = s.last_tick_id AND l.transaction_id >= pg_snapshot_xmin(k.tick_snapshot)
                      AND NOT pg_visible_in_snapshot(l.transaction_id, k.tick_snapshot)
                      -- its own changes are echoes, but not those an earlier incarnation sent (ADR 0015)
                      AND (l.sync_data ->> 'origin' IS DISTINCT FROM s.clone_id::text
                           OR l.event_id <= s.echo_horizon)) w ON true
                -- A tier's own row is its state as a clone of its parent, not one of its clones.
                WHERE s.clone_id IS DISTINCT FROM (SELECT m.server_id FROM lizsync.server_metadata m LIMIT 1)
                  AND ($1::text IS NULL OR s.clone_id = $1::uuid)
                  AND ($2::text IS NULL OR (s.clone_name, s.clone_id) > ($2, $3::uuid))
                ORDER BY s.clone_name, s.clone_id LIMIT $4""", cloneId, afterName, afterId, limit)) {
            out.add(new CloneStateRecord(row.getString(0), row.getString(1), row.getOffsetDateTime(2),
                    row.getBoolean(3), row.getLong(4) == null ? 0 : row.getLong(4), row.getLong(5),
                    row.getOffsetDateTime(6), row.getOffsetDateTime(7), row.getLong(8), row.getOffsetDateTime(9),
                    row.getString(10), row.getUUID(11), row.getLong(12)));
        }
        return out;
    }

    private static final String SELECT_CONFLICT = """
            SELECT id, conflict_time, clone_id::text, schema_name, table_name, field_name, object_uid::text,
                   central_action::text, central_edited_at, central_value::text, clone_action::text, clone_edited_at,
                   clone_value::text, rule_applied, winner, clock_uncertainty_ms, within_clock_uncertainty
            FROM lizsync.conflicts""";

    private static ConflictRecord conflict(Row row) {
        return new ConflictRecord(row.getLong(0), row.getOffsetDateTime(1), row.getString(2), row.getString(3),
                row.getString(4), row.getString(5), row.getString(6), row.getString(7), row.getOffsetDateTime(8),
                row.getString(9), row.getString(10), row.getOffsetDateTime(11), row.getString(12), row.getString(13),
                row.getString(14), row.getLong(15), row.getBoolean(16));
    }
}
