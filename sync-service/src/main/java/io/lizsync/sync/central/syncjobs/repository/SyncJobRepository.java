package io.lizsync.sync.central.syncjobs.repository;

import io.lizsync.grpckit.jobs.JobState;
import io.lizsync.sync.db.Db;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The SQL of sync-session jobs ({@code lizsync.sync_jobs}, tools migration "sync session jobs") on
 * central. Every change increments the row's {@code revision} (what WatchJob follows) and sets
 * {@code updated_at} (what the watchdog measures silence by). The statements that belong to a
 * session step take that step's connection, so that the job moves in the step's own transaction.
 */
@ApplicationScoped
public class SyncJobRepository {

    private final Pool pool;

    SyncJobRepository(Pool pool) {
        this.pool = pool;
    }

    /** One job as stored. */
    public record SyncJob(UUID jobId, String cloneId, String sessionId, JobState state, String step, long pushDone,
            long pushTotal, long pullDone, long pullTotal, long toCentral, long toClone, long conflicts, String result,
            String message, String errorCode, String createdBy, boolean requested, OffsetDateTime createdAt,
            OffsetDateTime startedAt, OffsetDateTime finishedAt, boolean cancelRequested, String cancelledBy,
            long revision) {
    }

    private static final String COLUMNS = """
            SELECT job_id, clone_id::text, session_id::text, state, step, push_done, push_total, pull_done, pull_total,
                   to_central, to_clone, conflicts, result, message, error_code, created_by, requested, created_at,
                   started_at, finished_at, cancel_requested, cancelled_by, revision
            FROM lizsync.sync_jobs""";

    private static SyncJob row(Row r) {
        return new SyncJob(r.getUUID(0), r.getString(1), r.getString(2), JobState.ofLabel(r.getString(3)), r.getString(4),
                r.getLong(5), r.getLong(6), r.getLong(7), r.getLong(8), r.getLong(9), r.getLong(10), r.getLong(11),
                r.getString(12), r.getString(13), r.getString(14), r.getString(15), r.getBoolean(16),
                r.getOffsetDateTime(17), r.getOffsetDateTime(18), r.getOffsetDateTime(19), r.getBoolean(20),
                r.getString(21), r.getLong(22));
    }

    private static SyncJob first(RowSet<Row> rs) {
        return rs.size() == 0 ? null : row(rs.iterator().next());
    }

    private static RowSet<Row> run(SqlClient c, String sql, Object... params) {
        return Db.await(c.preparedQuery(sql).execute(Tuple.from(params)));
    }

    /** The job, or null. */
    public SyncJob find(UUID jobId) {
        return first(Db.query(pool, COLUMNS + " WHERE job_id = $1", jobId));
    }

    /** The job, locked in {@code c}'s transaction, or null. */
    public static SyncJob lock(SqlConnection c, UUID jobId) {
        return first(Db.query(c, COLUMNS + " WHERE job_id = $1 FOR UPDATE", jobId));
    }

    /** The clone's job in {@code state} (queued or running: at most one each), locked, or null. */
    public static SyncJob lockOpen(SqlConnection c, String cloneId, JobState state) {
        return first(Db.query(c, COLUMNS + " WHERE clone_id = $1::uuid AND state = $2 FOR UPDATE", cloneId,
                state.label()));
    }

    /** The running job of a session, locked in {@code c}'s transaction, or null. */
    public static SyncJob lockOfSession(SqlConnection c, String sessionId) {
        return first(Db.query(c, COLUMNS + " WHERE session_id = $1::uuid AND state = 'running' FOR UPDATE",
                sessionId));
    }

    /** The running job of a session (no lock), or null. */
    public SyncJob ofSession(String sessionId) {
        return first(Db.query(pool, COLUMNS + " WHERE session_id = $1::uuid AND state = 'running'", sessionId));
    }

    /** The clone's queued job (no lock), or null. */
    public SyncJob queued(String cloneId) {
        return first(Db.query(pool, COLUMNS + " WHERE clone_id = $1::uuid AND state = 'queued'", cloneId));
    }

    /**
     * Records a sync an operator requested, queued until the clone's next contact; false when the
     * clone already has a queued one (the partial unique index decides, whatever the order).
     */
    public static boolean insertQueued(SqlConnection c, UUID jobId, String cloneId, String createdBy, String step) {
        return Db.query(c, """
                INSERT INTO lizsync.sync_jobs (job_id, clone_id, state, step, created_by, requested)
                VALUES ($1, $2::uuid, 'queued', $3, $4, true)
                ON CONFLICT (clone_id) WHERE state = 'queued' DO NOTHING""", jobId, cloneId, step, createdBy)
                .rowCount() == 1;
    }

    /** Records a session's job, running from its hello, created by the clone ("clone:&lt;its name&gt;"). */
    public static void insertRunning(SqlConnection c, UUID jobId, String cloneId, String sessionId, String step,
            long pushTotal) {
        Db.query(c, """
                INSERT INTO lizsync.sync_jobs (job_id, clone_id, session_id, state, step, push_total, created_by,
                    started_at)
                VALUES ($1, $2::uuid, $3::uuid, 'running', $4, $5,
                    'clone:' || coalesce((SELECT s.clone_name FROM lizsync.clone_state s WHERE s.clone_id = $2::uuid),
                                         $2::text),
                    clock_timestamp())""", jobId, cloneId, sessionId, step, pushTotal);
    }

    /** A queued job adopted by the session that starts now. */
    public static void adopt(SqlConnection c, UUID jobId, String sessionId, String step, long pushTotal) {
        Db.query(c, """
                UPDATE lizsync.sync_jobs SET state = 'running', session_id = $2::uuid, step = $3, push_total = $4,
                    started_at = clock_timestamp(), updated_at = clock_timestamp(), revision = revision + 1
                WHERE job_id = $1""", jobId, sessionId, step, pushTotal);
    }

    /** Progress of the push (changes central received so far). Returns the job after it, or null when none runs. */
    public SyncJob pushProgress(String sessionId, long pushDone) {
        return first(run(pool, """
                UPDATE lizsync.sync_jobs SET step = 'push', push_done = $2, updated_at = clock_timestamp(),
                    revision = revision + 1
                WHERE session_id = $1::uuid AND state = 'running'
                RETURNING job_id, clone_id::text, session_id::text, state, step, push_done, push_total, pull_done,
                    pull_total, to_central, to_clone, conflicts, result, message, error_code, created_by, requested,
                    created_at, started_at, finished_at, cancel_requested, cancelled_by, revision""",
                sessionId, pushDone));
    }

    /** The push committed in {@code c}'s transaction: what went to central; the pull comes next. */
    public static void pushed(SqlConnection c, String sessionId, long received, long applied, long conflicts) {
        Db.query(c, """
                UPDATE lizsync.sync_jobs SET step = 'pull', push_done = $2, push_total = $2, to_central = $3,
                    conflicts = $4, updated_at = clock_timestamp(), revision = revision + 1
                WHERE session_id = $1::uuid AND state = 'running'""", sessionId, received, applied, conflicts);
    }

    /** The pull starts (in its snapshot, {@code total} log events to read). */
    public void pullStarts(String sessionId, long total) {
        run(pool, """
                UPDATE lizsync.sync_jobs SET step = 'pull', pull_total = $2, pull_done = 0,
                    updated_at = clock_timestamp(), revision = revision + 1
                WHERE session_id = $1::uuid AND state = 'running'""", sessionId, total);
    }

    /** Progress of the pull (log events read so far). */
    public void pullProgress(String sessionId, long done) {
        run(pool, """
                UPDATE lizsync.sync_jobs SET step = 'pull', pull_done = $2, updated_at = clock_timestamp(),
                    revision = revision + 1
                WHERE session_id = $1::uuid AND state = 'running'""", sessionId, done);
    }

    /** The whole pull was sent: the clone applies it and acknowledges. */
    public void pullSent(String sessionId) {
        run(pool, """
                UPDATE lizsync.sync_jobs SET step = 'acknowledge', pull_done = pull_total,
                    updated_at = clock_timestamp(), revision = revision + 1
                WHERE session_id = $1::uuid AND state = 'running'""", sessionId);
    }

    /**
     * Ends the session's running job (or the job {@code jobId} when not null) in a final state,
     * within {@code c}'s transaction when given; returns the ids of the jobs it ended (none when
     * nothing was running).
     */
    public static List<UUID> finish(SqlClient c, UUID jobId, String sessionId, JobState state, String step,
            Long toCentral, Long toClone, Long conflicts, String result, String message, String errorCode) {
        List<UUID> out = new ArrayList<>();
        for (Row r : run(c, """
                UPDATE lizsync.sync_jobs SET state = $3, step = coalesce($4, step),
                    to_central = coalesce($5, to_central), to_clone = coalesce($6, to_clone),
                    conflicts = coalesce($7, conflicts), result = $8, message = $9, error_code = $10,
                    push_done = CASE WHEN $3 = 'succeeded' THEN greatest(push_done, push_total) ELSE push_done END,
                    push_total = CASE WHEN $3 = 'succeeded' THEN greatest(push_done, push_total) ELSE push_total END,
                    pull_done = CASE WHEN $3 = 'succeeded' THEN greatest(pull_done, pull_total) ELSE pull_done END,
                    pull_total = CASE WHEN $3 = 'succeeded' THEN greatest(pull_done, pull_total) ELSE pull_total END,
                    started_at = coalesce(started_at, clock_timestamp()),
                    finished_at = clock_timestamp(), updated_at = clock_timestamp(), revision = revision + 1
                WHERE state IN ('queued', 'running')
                  AND (($1::uuid IS NOT NULL AND job_id = $1) OR ($1::uuid IS NULL AND session_id = $2::uuid))
                RETURNING job_id""", jobId, sessionId, state.label(), step, toCentral, toClone, conflicts, result,
                message, errorCode)) {
            out.add(r.getUUID(0));
        }
        return out;
    }

    /** The pool, for the statements that run outside a session step's transaction. */
    public Pool pool() {
        return pool;
    }

    /** Records that a cancellation was asked of a running job. */
    public static void askCancel(SqlConnection c, UUID jobId, String by) {
        Db.query(c, """
                UPDATE lizsync.sync_jobs SET cancel_requested = true, cancelled_by = $2, updated_at = clock_timestamp(),
                    revision = revision + 1 WHERE job_id = $1""", jobId, by);
    }

    /** Jobs newest first (created_at, then id), optionally of one clone, after a keyset position. */
    public List<SyncJob> list(String cloneId, OffsetDateTime afterCreated, UUID afterId, int limit) {
        List<SyncJob> out = new ArrayList<>();
        for (Row r : Db.query(pool, COLUMNS + """
                 WHERE ($1::text IS NULL OR clone_id = $1::uuid)
                   AND ($2::timestamptz IS NULL OR (created_at, job_id) < ($2, $3::uuid))
                ORDER BY created_at DESC, job_id DESC LIMIT $4""", cloneId, afterCreated, afterId, limit)) {
            out.add(row(r));
        }
        return out;
    }

    /**
     * Fails the running jobs whose session said nothing for longer than {@code silence} (the
     * clone broke off and did not come back); returns their ids.
     */
    public List<UUID> failSilent(Duration silence, String message) {
        List<UUID> out = new ArrayList<>();
        for (Row r : Db.query(pool, """
                UPDATE lizsync.sync_jobs SET state = 'failed', error_code = 'DEADLINE_EXCEEDED', message = $2,
                    finished_at = clock_timestamp(), updated_at = clock_timestamp(), revision = revision + 1
                WHERE state = 'running' AND updated_at < clock_timestamp() - make_interval(secs => $1)
                RETURNING job_id""", (double) silence.toSeconds(), message)) {
            out.add(r.getUUID(0));
        }
        return out;
    }

    /**
     * Forgets finished jobs (grpc-kit JobRetention's rule, set-based): ended longer than
     * {@code keep} ago, or beyond the newest {@code max} finished ones. Queued and running jobs
     * stay. Returns how many were deleted.
     */
    public long forget(Duration keep, int max) {
        return Db.query(pool, """
                DELETE FROM lizsync.sync_jobs WHERE job_id IN (
                    SELECT job_id FROM (
                        SELECT job_id, coalesce(finished_at, created_at) AS ended,
                               row_number() OVER (ORDER BY created_at DESC, job_id DESC) AS n
                        FROM lizsync.sync_jobs WHERE state IN ('succeeded', 'failed', 'cancelled')) f
                    WHERE f.n > $2 OR f.ended < clock_timestamp() - make_interval(secs => $1))""",
                (double) keep.toSeconds(), max).rowCount();
    }
}
