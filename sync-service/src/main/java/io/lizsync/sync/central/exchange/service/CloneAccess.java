package io.lizsync.sync.central.exchange.service;

import io.lizsync.sync.central.exchange.repository.ExchangeRepository;
import io.lizsync.sync.central.exchange.service.ExchangeException.Reason;
import io.lizsync.sync.db.Db;
import io.lizsync.sync.engine.TableRef;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Who may exchange with central: clone registration, credentials, revocation, authentication. */
@ApplicationScoped
public class CloneAccess {

    private static final Logger LOG = Logger.getLogger(CloneAccess.class);

    private final Pool pool;

    CloneAccess(Pool pool) {
        this.pool = pool;
    }

    /** What RegisterClone returns. */
    public record Registration(String cloneId, String credential, String centralId, long tickId) {
    }

    /**
     * Registers a clone and issues its credential. With {@code packageHistoryId}, the clone was
     * deployed from that package: its cursor starts at the package's tick and it joins the
     * package's history item; otherwise it starts at central's current position.
     */
    public Registration register(String requestedId, String name, List<TableRef> tables, String packageHistoryId)
            throws Exception {
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("tables: a clone synchronises at least one table");
        }
        String cloneId = requestedId == null || requestedId.isBlank() ? UUID.randomUUID().toString()
                : parseUuid(requestedId, "clone_id");
        String cloneName = name == null || name.isBlank() ? "clone-" + cloneId.substring(0, 8) : name;
        String secret = Credentials.newSecret();
        return Db.inTransaction(pool, c -> {
            String centralId = ExchangeRepository.centralId(c);
            if (centralId.equals(cloneId)) {
                throw new IllegalArgumentException("clone_id is central's own id");
            }
            for (TableRef t : tables) {
                var rs = Db.query(c, """
                        SELECT EXISTS (SELECT 1 FROM pg_trigger g JOIN pg_class r ON r.oid = g.tgrelid
                                       JOIN pg_namespace n ON n.oid = r.relnamespace
                                       WHERE n.nspname = $1 AND r.relname = $2 AND g.tgname = 'lizsync_audit')""",
                        t.schema(), t.table());
                if (!rs.iterator().next().getBoolean(0)) {
                    throw new ExchangeException(Reason.PRECONDITION,
                            "table " + t + " is not prepared on central (no audit trigger): run prepare first");
                }
            }
            long tick;
            if (packageHistoryId == null || packageHistoryId.isBlank()) {
                tick = ExchangeRepository.newTick(c);
            } else {
                String item = parseUuid(packageHistoryId, "package_history_sync_id");
                var rs = Db.query(c, """
                        SELECT h.tick_id, EXISTS (SELECT 1 FROM lizsync.ticks k WHERE k.tick_id = h.tick_id)
                        FROM lizsync.history h WHERE h.sync_id = $1::uuid AND h.sync_type = 'full'""", item);
                if (rs.size() == 0) {
                    throw new ExchangeException(Reason.NOT_FOUND, "no package history item " + item + " on central");
                }
                Row r = rs.iterator().next();
                if (r.getLong(0) == null || !r.getBoolean(1)) {
                    throw new ExchangeException(Reason.PRECONDITION, "the package of history item " + item
                            + " is older than central's log retention: deploy a new package");
                }
                tick = r.getLong(0);
                Db.query(c, """
                        UPDATE lizsync.history SET server_to = array_append(server_to, $2::uuid)
                        WHERE sync_id = $1::uuid AND NOT ($2::uuid = ANY (server_to))""", item, cloneId);
            }
            Db.query(c, """
                    INSERT INTO lizsync.clone_state (clone_id, clone_name, central_id, last_tick_id, credential_hash,
                                                     credential_issued_at)
                    VALUES ($1::uuid, $2, $3::uuid, $4, $5, now())
                    ON CONFLICT (clone_id) DO UPDATE SET clone_name = EXCLUDED.clone_name,
                        last_tick_id = EXCLUDED.last_tick_id, credential_hash = EXCLUDED.credential_hash,
                        credential_issued_at = now(), credential_revoked_at = NULL, redeploy_required = false,
                        session_id = NULL""", cloneId, cloneName, centralId, tick, Credentials.hash(secret));
            Db.query(c, "DELETE FROM lizsync.synchronized_tables WHERE server_id = $1::uuid", cloneId);
            List<Tuple> rows = new ArrayList<>();
            for (TableRef t : tables) {
                rows.add(Tuple.of(cloneId, t.schema(), t.table()));
            }
            Db.batch(c, "INSERT INTO lizsync.synchronized_tables (server_id, schema_name, table_name) "
                    + "VALUES ($1::uuid, $2, $3) ON CONFLICT DO NOTHING", rows);
            LOG.infof("registered clone %s (%s) with %d table(s) at tick %d", cloneId, cloneName, tables.size(), tick);
            return new Registration(cloneId, cloneId + "." + secret, centralId, tick);
        });
    }

    public boolean revoke(String cloneId) throws Exception {
        String id = parseUuid(cloneId, "clone_id");
        return Db.inTransaction(pool, c -> Db.query(c, """
                UPDATE lizsync.clone_state SET credential_revoked_at = now(), session_id = NULL
                WHERE clone_id = $1::uuid AND credential_revoked_at IS NULL""", id).rowCount() > 0);
    }

    /** Checks a presented credential; returns the clone id it proves. */
    public String authenticate(String credential) {
        String[] parts = credentialParts(credential);
        return checkCredential(parts, Db.query(pool, ExchangeRepository.CREDENTIAL_QUERY, parts[0]));
    }

    /** The clone id (canonical) and the secret of a credential; refused when malformed. */
    static String[] credentialParts(String credential) {
        String[] parts = Credentials.split(credential);
        if (parts == null) {
            throw new ExchangeException(Reason.UNAUTHENTICATED,
                    "missing or malformed clone credential (authorization: Bearer <clone id>.<secret>)");
        }
        try {
            return new String[] {UUID.fromString(parts[0]).toString(), parts[1]};
        } catch (IllegalArgumentException e) {
            throw new ExchangeException(Reason.UNAUTHENTICATED, "malformed clone credential");
        }
    }

    /** Checks a credential against the clone's row ({@link ExchangeRepository#CREDENTIAL_QUERY}); returns the clone id. */
    static String checkCredential(String[] parts, RowSet<Row> rs) {
        String cloneId = parts[0];
        if (rs.size() == 0) {
            throw new ExchangeException(Reason.UNAUTHENTICATED, "unknown clone " + cloneId);
        }
        Row r = rs.iterator().next();
        if (r.getBoolean(1)) {
            throw new ExchangeException(Reason.UNAUTHENTICATED, "the credential of clone " + cloneId + " was revoked");
        }
        if (!Credentials.matches(parts[1], r.getString(0))) {
            throw new ExchangeException(Reason.UNAUTHENTICATED, "wrong credential for clone " + cloneId);
        }
        return cloneId;
    }

    static String parseUuid(String s, String what) {
        try {
            return UUID.fromString(s).toString();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(what + ": not a uuid: '" + s + "'");
        }
    }
}
