package io.lizsync.sync.central.exchange.repository;

import io.lizsync.sync.central.registry.CloneIdentity;
import io.lizsync.sync.db.Db;
import io.lizsync.sync.engine.TableRef;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The exchange's read model of the clones registry-service owns (ADR 0013): in
 * {@code lizsync.clone_state} their name, credential hash and revocation, in
 * {@code lizsync.synchronized_tables} their tables, next to the exchange's own state (cursor,
 * sessions). Written here only, and only from registry's answers (a redeemed ticket, a credential
 * vouched for or refused at hello): the exchange reads it for speed (every call's credential, the
 * tables in the pull's SQL), registry stays the truth.
 */
public final class CloneReadModel {

    private CloneReadModel() {
    }

    /** What the read model holds for a clone. */
    public record Held(String name, String credentialHash, boolean revoked, List<TableRef> tables) {
    }

    /** What must be written so that the read model says what registry said (pure). */
    public record Changes(boolean identity, boolean tables) {
        public boolean any() {
            return identity || tables;
        }
    }

    /** The writes that bring {@code held} to registry's {@code vouched} identity and the credential it checked. */
    public static Changes changes(Held held, CloneIdentity vouched, String credentialHash) {
        boolean identity = held.revoked() || !Objects.equals(held.name(), vouched.name())
                || !Objects.equals(held.credentialHash(), credentialHash);
        boolean tables = !new java.util.HashSet<>(held.tables()).equals(new java.util.HashSet<>(vouched.tables()));
        return new Changes(identity, tables);
    }

    /** Brings the clone's row to registry's identity (the row exists; the caller holds its lock). */
    public static void apply(SqlConnection c, CloneIdentity vouched, String credentialHash, Changes changes) {
        if (changes.identity()) {
            Db.query(c, """
                    UPDATE lizsync.clone_state SET clone_name = $2, credential_hash = $3, credential_revoked_at = NULL
                    WHERE clone_id = $1::uuid""", vouched.cloneId(), vouched.name(), credentialHash);
        }
        if (changes.tables()) {
            replaceTables(c, vouched);
        }
    }

    /**
     * Records a new registration: the clone's identity from registry with its cursor at
     * {@code tick} (a re-registration starts over: cursor, session and redeploy flag reset).
     */
    public static void register(SqlConnection c, CloneIdentity registered, String credentialHash, String centralId,
            long tick) {
        Db.query(c, """
                INSERT INTO lizsync.clone_state (clone_id, clone_name, central_id, last_tick_id, credential_hash,
                                                 credential_issued_at)
                VALUES ($1::uuid, $2, $3::uuid, $4, $5, now())
                ON CONFLICT (clone_id) DO UPDATE SET clone_name = EXCLUDED.clone_name,
                    last_tick_id = EXCLUDED.last_tick_id, credential_hash = EXCLUDED.credential_hash,
                    credential_issued_at = now(), credential_revoked_at = NULL, redeploy_required = false,
                    session_id = NULL""", registered.cloneId(), registered.name(), centralId, tick, credentialHash);
        replaceTables(c, registered);
    }

    /**
     * Registry refused the credential the read model holds for the clone (revoked or deleted
     * there): the read model says so and the open session ends. A refused secret that is not
     * the one held changes nothing (a stranger's guess must not disturb the clone).
     */
    public static void refused(Pool pool, String cloneId, String credentialHash) {
        Db.query(pool, """
                UPDATE lizsync.clone_state SET credential_revoked_at = now(), session_id = NULL
                WHERE clone_id = $1::uuid AND credential_hash = $2 AND credential_revoked_at IS NULL""",
                cloneId, credentialHash);
    }

    private static void replaceTables(SqlConnection c, CloneIdentity clone) {
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
