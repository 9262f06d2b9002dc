package io.lizsync.sync.central.exchange.repository;

import io.lizsync.sync.central.registry.RegisteredClone;
import io.lizsync.sync.db.Db;
import io.lizsync.sync.engine.TableRef;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * The exchange's read model of the clones registry-service owns (ADR 0013): in
 * {@code lizsync.clone_state} their name, credential hash and revocation, in
 * {@code lizsync.synchronized_tables} their tables, next to the exchange's own state (cursor,
 * sessions). Written here only, and only from registry's answers (a redeemed ticket, the feed of
 * clone changes {@code CloneFeed} polls): the exchange reads it for speed (every call's credential,
 * the tables in the pull's SQL), registry stays the truth.
 */
public final class CloneReadModel {

    private CloneReadModel() {
    }

    /**
     * Brings a clone's row to registry's state (the feed of clone changes): name, credential,
     * revocation (no live credential, disabled or deleted at registry: revoked, its open session
     * ended) and tables. Clones that never registered here are left alone: only a registration sets
     * a cursor.
     */
    /** The advisory lock that orders registrations and the feed (an arbitrary constant: "lzfeed"). */
    static final long FEED_LOCK = 0x6c7a66656564L;

    /**
     * Taken by a registration, shared, before it redeems at registry: no feed round reads
     * registry while a redemption is in flight (the feed would then write registry's earlier
     * state over the registration's: a credential just issued, refused at the next hello).
     * Released at commit; registrations do not wait for each other.
     */
    public static void lockForRegistration(SqlConnection c) {
        Db.query(c, "SELECT pg_advisory_xact_lock_shared($1)", FEED_LOCK);
    }

    /**
     * Taken by a feed round, exclusive, before it reads registry: it waits for the registrations
     * in flight to commit, so what it reads is never older than what they wrote. Released at commit.
     */
    public static void lockForFeed(SqlConnection c) {
        Db.query(c, "SELECT pg_advisory_xact_lock($1)", FEED_LOCK);
    }

    public static void follow(SqlConnection c, RegisteredClone registered) {
        boolean live = registered.mayExchange();
        long updated = Db.query(c, """
                UPDATE lizsync.clone_state SET clone_name = coalesce($2, clone_name),
                    credential_hash = CASE WHEN $3 THEN $4 ELSE credential_hash END,
                    credential_revoked_at = CASE WHEN $3 THEN NULL ELSE coalesce(credential_revoked_at, now()) END,
                    session_id = CASE WHEN $3 THEN session_id ELSE NULL END
                WHERE clone_id = $1::uuid""", registered.cloneId(), registered.exists() ? registered.name() : null,
                live, registered.credentialHash()).rowCount();
        if (updated > 0 && registered.exists()) {
            replaceTables(c, registered);
        }
    }

    /**
     * Records a new registration: the clone's identity from registry with its cursor at
     * {@code tick} (a re-registration starts over: cursor, session and redeploy flag reset).
     * Every registration follows a deploy (or an attach): the clone is a new incarnation, which
     * does not hold what an earlier one sent to central after the cursor's tick. Its echo horizon
     * becomes the last event id central's log has handed out (read after this row is locked, so
     * after any push of the earlier incarnation that held it): the clone's changes logged up to it
     * are sent to it at its next pull ({@code Routing.Destination#echoHorizon}); what it pushes from
     * now on is logged past it and stays an echo. Returns the horizon.
     */
    public static long register(SqlConnection c, RegisteredClone registered, String centralId, long tick) {
        Db.query(c, """
                INSERT INTO lizsync.clone_state (clone_id, clone_name, central_id, last_tick_id, credential_hash,
                                                 credential_issued_at)
                VALUES ($1::uuid, $2, $3::uuid, $4, $5, now())
                ON CONFLICT (clone_id) DO UPDATE SET clone_name = EXCLUDED.clone_name,
                    last_tick_id = EXCLUDED.last_tick_id, credential_hash = EXCLUDED.credential_hash,
                    credential_issued_at = now(), credential_revoked_at = NULL, redeploy_required = false,
                    session_id = NULL""", registered.cloneId(), registered.name(), centralId, tick,
                registered.credentialHash());
        // A statement of its own, after the row lock above: a push of the earlier incarnation still
        // in flight held that lock, and its event ids are handed out by now.
        long horizon = Db.query(c, """
                UPDATE lizsync.clone_state SET echo_horizon = coalesce(pg_sequence_last_value(
                    pg_get_serial_sequence('audit.logged_actions', 'event_id')::regclass), 0)
                WHERE clone_id = $1::uuid RETURNING echo_horizon""", registered.cloneId()).iterator().next().getLong(0);
        replaceTables(c, registered);
        return horizon;
    }

    private static void replaceTables(SqlConnection c, RegisteredClone clone) {
        Db.query(c, "DELETE FROM lizsync.synchronized_tables WHERE server_id = $1::uuid", clone.cloneId());
        List<Tuple> rows = new ArrayList<>();
        for (TableRef t : clone.tables()) {
            rows.add(Tuple.of(clone.cloneId(), t.schema(), t.table()));
        }
        if (!rows.isEmpty()) {
            Db.batch(c, "INSERT INTO lizsync.synchronized_tables (server_id, schema_name, table_name) "
                    + "VALUES ($1::uuid, $2, $3) ON CONFLICT DO NOTHING", rows);
        }
    }
}
