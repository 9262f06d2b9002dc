package io.lizsync.sync.central.assign.repository;

import io.lizsync.sync.db.Db;
import io.lizsync.grpckit.jobs.JobState;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The SQL of assignments ({@code lizsync.assignments}, tools V10) on central. */
@ApplicationScoped
public class AssignmentRepository {

    private final Pool pool;

    AssignmentRepository(Pool pool) {
        this.pool = pool;
    }

    /** One assignment as stored. */
    public record Assignment(UUID jobId, String cloneId, String packageId, boolean force, JobState state, String step,
            long done, long total, String unit, int percent, String result, String message, String errorCode,
            String createdBy, OffsetDateTime createdAt, OffsetDateTime startedAt, OffsetDateTime finishedAt,
            OffsetDateTime updatedAt, boolean cancelRequested, long revision) {
    }

    private static final String COLUMNS = """
            SELECT job_id, clone_id::text, package_id::text, force, state, step, done, total, unit, percent, result,
                   message, error_code, created_by, created_at, started_at, finished_at, updated_at, cancel_requested,
                   revision
            FROM lizsync.assignments""";

    private static Assignment row(Row r) {
        return new Assignment(r.getUUID(0), r.getString(1), r.getString(2), r.getBoolean(3), JobState.ofLabel(r.getString(4)),
                r.getString(5), r.getLong(6), r.getLong(7), r.getString(8), r.getInteger(9), r.getString(10),
                r.getString(11), r.getString(12), r.getString(13), r.getOffsetDateTime(14), r.getOffsetDateTime(15),
                r.getOffsetDateTime(16), r.getOffsetDateTime(17), r.getBoolean(18), r.getLong(19));
    }

    private static Assignment first(io.vertx.mutiny.sqlclient.RowSet<Row> rs) {
        return rs.size() == 0 ? null : row(rs.iterator().next());
    }

    /** The assignment, or null. */
    public Assignment find(UUID jobId) {
        return first(Db.query(pool, COLUMNS + " WHERE job_id = $1", jobId));
    }

    /** The assignment, locked in {@code c}'s transaction, or null. */
    public static Assignment lock(SqlConnection c, UUID jobId) {
        return first(Db.query(c, COLUMNS + " WHERE job_id = $1 FOR UPDATE", jobId));
    }

    /** The clone's open (queued or running) assignment, locked, or null. */
    public static Assignment lockOpen(SqlConnection c, String cloneId) {
        return first(Db.query(c, COLUMNS + " WHERE clone_id = $1::uuid AND state IN ('queued', 'running') FOR UPDATE",
                cloneId));
    }

    /** The clone's open assignment (no lock), or null. */
    public Assignment open(String cloneId) {
        return first(Db.query(pool, COLUMNS + " WHERE clone_id = $1::uuid AND state IN ('queued', 'running')", cloneId));
    }

    /**
     * Records a new queued assignment; false when the clone already has an open one (the partial
     * unique index decides, whatever the order of concurrent requests).
     */
    public static boolean insert(SqlConnection c, UUID jobId, String cloneId, String packageId, boolean force,
            String createdBy) {
        var rs = Db.query(c, """
                INSERT INTO lizsync.assignments (job_id, clone_id, package_id, force, state, step, created_by)
                VALUES ($1, $2::uuid, $3::uuid, $4, 'queued', 'waiting for the clone''s next contact', $5)
                ON CONFLICT (clone_id) WHERE state IN ('queued', 'running') DO NOTHING""",
                jobId, cloneId, packageId, force, createdBy);
        return rs.rowCount() == 1;
    }

    /** Assignments newest first (created_at, then id), optionally of one clone, after a keyset position. */
    public List<Assignment> list(String cloneId, OffsetDateTime afterCreated, UUID afterId, int limit) {
        List<Assignment> out = new ArrayList<>();
        for (Row r : Db.query(pool, COLUMNS + """
                 WHERE ($1::text IS NULL OR clone_id = $1::uuid)
                   AND ($2::timestamptz IS NULL OR (created_at, job_id) < ($2, $3::uuid))
                ORDER BY created_at DESC, job_id DESC LIMIT $4""", cloneId, afterCreated, afterId, limit)) {
            out.add(row(r));
        }
        return out;
    }

    /** Starts a claimed assignment. */
    public static void start(SqlConnection c, UUID jobId) {
        Db.query(c, """
                UPDATE lizsync.assignments SET state = 'running', started_at = clock_timestamp(),
                    step = 'claimed by the clone', updated_at = clock_timestamp(), revision = revision + 1
                WHERE job_id = $1""", jobId);
    }

    /** Records a progress report of a running assignment. */
    public static void progress(SqlConnection c, UUID jobId, String step, long done, long total, String unit, int percent) {
        Db.query(c, """
                UPDATE lizsync.assignments SET step = $2, done = $3, total = $4, unit = $5, percent = $6,
                    updated_at = clock_timestamp(), revision = revision + 1
                WHERE job_id = $1""", jobId, step, done, total, unit, percent);
    }

    /** Ends an assignment in {@code state} (final). */
    public static void finish(SqlConnection c, UUID jobId, JobState state, String step, String result, String message,
            String errorCode) {
        Db.query(c, """
                UPDATE lizsync.assignments SET state = $2, step = $3, result = $4, message = $5, error_code = $6,
                    percent = CASE WHEN $2 = 'succeeded' THEN 100 ELSE percent END,
                    finished_at = clock_timestamp(), updated_at = clock_timestamp(), revision = revision + 1
                WHERE job_id = $1""", jobId, state.label(), step, result, message, errorCode);
    }

    /** Records that a cancellation was asked of a running assignment. */
    public static void askCancel(SqlConnection c, UUID jobId) {
        Db.query(c, """
                UPDATE lizsync.assignments SET cancel_requested = true, updated_at = clock_timestamp(),
                    revision = revision + 1 WHERE job_id = $1""", jobId);
    }

    /**
     * Fails the running assignments whose clone said nothing for longer than {@code silence};
     * returns their ids. (The same rule as AssignmentRules.silentTooLong, set-based.)
     */
    public List<UUID> failSilent(Duration silence) {
        List<UUID> out = new ArrayList<>();
        for (Row r : Db.query(pool, """
                UPDATE lizsync.assignments SET state = 'failed', error_code = 'DEADLINE_EXCEEDED',
                    step = 'the clone went silent',
                    message = $2,
                    finished_at = clock_timestamp(), updated_at = clock_timestamp(), revision = revision + 1
                WHERE state = 'running' AND updated_at < clock_timestamp() - make_interval(secs => $1)
                RETURNING job_id""", (double) silence.toSeconds(),
                "the clone reported nothing for " + silence.toSeconds() + " s while running the deploy; whether it"
                        + " committed is unknown here: its next contact reports what it can establish, and"
                        + " GetCloneState shows its package")) {
            out.add(r.getUUID(0));
        }
        return out;
    }
}
