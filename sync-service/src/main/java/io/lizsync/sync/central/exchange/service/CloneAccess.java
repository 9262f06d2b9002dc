package io.lizsync.sync.central.exchange.service;

import io.lizsync.sync.central.exchange.repository.CloneReadModel;
import io.lizsync.sync.central.exchange.repository.ExchangeRepository;
import io.lizsync.sync.central.registry.CloneRegistry;
import io.lizsync.sync.central.exchange.service.ExchangeException.Reason;
import io.lizsync.sync.db.Db;
import io.lizsync.sync.engine.TableRef;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Who may exchange with central: a clone's registration by ticket, and each call's credential (read model). */
@ApplicationScoped
public class CloneAccess {

    private static final Logger LOG = Logger.getLogger(CloneAccess.class);

    private final Pool pool;
    private final CloneRegistry registry;

    CloneAccess(Pool pool, CloneRegistry registry) {
        this.pool = pool;
        this.registry = registry;
    }

    /** What RegisterClone returns. */
    public record Registration(String cloneId, String credential, String centralId, long tickId) {
    }

    /**
     * Registers the calling clone with its single-use ticket (ADR 0013): registry-service, the
     * owner of clone identities, redeems it (the clone, its credential and its tables are
     * recorded there) while this transaction holds central's side; the read model and the
     * clone's cursor are written from registry's answer. The cursor starts at the ticket's
     * package position (a deploy) or at central's current position (an attach).
     */
    public Registration register(String ticket, String requestedId, String packageId, List<TableRef> tables)
            throws Exception {
        if (ticket == null || ticket.isBlank()) {
            throw new ExchangeException(Reason.UNAUTHENTICATED, "a registration ticket is required"
                    + " (registry-service IssueRegistrationTicket, given to the sidecar's deploy or attach)");
        }
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("tables: a clone synchronises at least one table");
        }
        String cloneId = parseUuid(requestedId, "clone_id");
        String claimedPackage = packageId == null || packageId.isBlank() ? "" : parseUuid(packageId, "package_id");
        return Db.inTransaction(pool, c -> {
            CloneReadModel.lockForRegistration(c);
            String centralId = ExchangeRepository.centralId(c);
            if (centralId.equals(cloneId)) {
                throw new IllegalArgumentException("clone_id is central's own id");
            }
            checkPrepared(c, tables);
            String centralName = Db.query(c, "SELECT server_name FROM lizsync.server_metadata LIMIT 1")
                    .iterator().next().getString(0);
            CloneRegistry.Redeemed redeemed = registry.redeem(ticket.strip(), cloneId, claimedPackage, tables,
                    centralId, centralName);
            long tick = redeemed.historySyncId().isBlank() ? ExchangeRepository.newTick(c)
                    : packageTick(c, redeemed.historySyncId(), cloneId);
            String secret = redeemed.secret();
            long horizon = CloneReadModel.register(c, redeemed.registered(), centralId, tick);
            LOG.infof("registered clone %s (%s) with %d table(s) at tick %d, echo horizon %d", cloneId,
                    redeemed.registered().name(), redeemed.registered().tables().size(), tick, horizon);
            return new Registration(cloneId, cloneId + "." + secret, centralId, tick);
        });
    }

    private static void checkPrepared(io.vertx.mutiny.sqlclient.SqlConnection c, List<TableRef> tables) {
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
    }

    /** The tick of a package's history item; the clone joins the item's server_to. */
    private static long packageTick(io.vertx.mutiny.sqlclient.SqlConnection c, String historySyncId, String cloneId) {
        String item = parseUuid(historySyncId, "package_history_sync_id");
        var rs = Db.query(c, """
                SELECT h.tick_id, EXISTS (SELECT 1 FROM lizsync.ticks k WHERE k.tick_id = h.tick_id)
                FROM lizsync.history h WHERE h.sync_id = $1::uuid AND h.sync_type = 'full'""", item);
        if (rs.size() == 0) {
            throw new ExchangeException(Reason.NOT_FOUND, "no package history item " + item + " on central");
        }
        Row r = rs.iterator().next();
        if (r.getLong(0) == null || !r.getBoolean(1)) {
            throw new ExchangeException(Reason.PRECONDITION, "the package of history item " + item
                    + " is older than central's log retention: deploy a new package (with a new ticket)");
        }
        Db.query(c, """
                UPDATE lizsync.history SET server_to = array_append(server_to, $2::uuid)
                WHERE sync_id = $1::uuid AND NOT ($2::uuid = ANY (server_to))""", item, cloneId);
        return r.getLong(0);
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
