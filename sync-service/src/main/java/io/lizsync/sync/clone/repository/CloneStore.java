package io.lizsync.sync.clone.repository;

import io.agroal.api.AgroalDataSource;
import io.lizsync.sql.ToolsInstaller;
import io.lizsync.sync.db.Catalog;
import io.lizsync.sync.db.ChangeLog;
import io.lizsync.sync.db.ChangeWriter;
import io.lizsync.sync.db.Db;
import io.lizsync.sync.engine.Collapser;
import io.lizsync.sync.engine.Routing;
import io.lizsync.sync.engine.NetChange;
import io.lizsync.sync.engine.TableRef;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/** The clone database as the sidecar uses it: identity, local log, replay of central's changes. */
@ApplicationScoped
public class CloneStore {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(CloneStore.class);

    /** This clone's id, for its own row of {@code lizsync.clone_state}. */
    private static final String SELF = "(SELECT server_id FROM lizsync.server_metadata LIMIT 1)";
    /**
     * The log rows (alias {@code l}) this clone has not sent yet: not in a push its central
     * confirmed, and not pulled from its central. A plain clone deletes what central confirmed and
     * logs nothing it pulls, so on a plain clone this is every row; a tier (a clone that is also
     * the central of its children) keeps both for its children (V7, {@code pushed_snapshot}).
     */
    private static final String NOT_SENT = "NOT EXISTS (SELECT 1 FROM lizsync.clone_state s WHERE s.clone_id = " + SELF
            + " AND (l.sync_data ->> 'origin' = s.central_id::text OR s.pushed_snapshot IS NOT NULL"
            + " AND pg_visible_in_snapshot(l.transaction_id, s.pushed_snapshot)))";
    /** Log rows read per cursor fetch of a push. */
    private static final int PUSH_CHUNK = 2000;

    private final Pool pool;
    private final AgroalDataSource dataSource;

    CloneStore(Pool pool, AgroalDataSource dataSource) {
        this.pool = pool;
        this.dataSource = dataSource;
    }

    /**
     * Who this clone is and where it stands; {@code hasLocalChanges}: the local log holds
     * something (sent or not yet sent to central).
     */
    public record Identity(String cloneId, String centralId, Long tickId, String toolsVersion, List<TableRef> tables,
            boolean hasLocalChanges, long unsentChanges, java.time.Instant oldestUnsentAt) {
    }

    public Identity identity() {
        var rs = Db.query(pool, """
                SELECT m.server_id::text, s.central_id::text, s.last_tick_id, lizsync.tools_version(),
                       ARRAY(SELECT t.schema_name FROM lizsync.synchronized_tables t
                             WHERE t.server_id = m.server_id ORDER BY t.schema_name, t.table_name),
                       ARRAY(SELECT t.table_name FROM lizsync.synchronized_tables t
                             WHERE t.server_id = m.server_id ORDER BY t.schema_name, t.table_name),
                       u.n > 0, u.n, u.oldest
                FROM lizsync.server_metadata m JOIN lizsync.clone_state s ON s.clone_id = m.server_id,
                     LATERAL (SELECT count(*) AS n, min(l.action_tstamp_tx) AS oldest
                              FROM audit.logged_actions l WHERE %s) u
                WHERE m.server_role = 'clone'""".formatted(NOT_SENT));
        if (rs.size() == 0) {
            throw new IllegalStateException("this database is not a clone yet: attach it or deploy a package first");
        }
        Row r = rs.iterator().next();
        List<TableRef> tables = new ArrayList<>();
        String[] schemas = r.getArrayOfStrings(4);
        String[] names = r.getArrayOfStrings(5);
        for (int i = 0; i < schemas.length; i++) {
            tables.add(new TableRef(schemas[i], names[i]));
        }
        var oldest = r.getOffsetDateTime(8);
        return new Identity(r.getString(0), r.getString(1), r.getLong(2), r.getString(3), tables, r.getBoolean(6),
                r.getLong(7), oldest == null ? null : oldest.toInstant());
    }

    /** Records a completed session that pulled nothing; with {@code tickId}, the cursor central moved it to. */
    public void recordSync(Long tickId) {
        Db.query(pool, "UPDATE lizsync.clone_state SET last_sync = now(), last_tick_id = coalesce($1, last_tick_id) "
                + "WHERE clone_id = " + SELF, tickId);
    }

    /** This clone's recorded name. */
    public String cloneName() {
        var rs = Db.query(pool, "SELECT server_name FROM lizsync.server_metadata WHERE server_role = 'clone' LIMIT 1");
        return rs.size() == 0 ? "clone" : rs.iterator().next().getString(0);
    }

    /**
     * What tells one deploy from the next on this clone: the transaction that wrote its identity
     * (every deploy writes {@code lizsync.server_metadata} anew, in its one transaction; nothing
     * else writes it), with the package it recorded. Null when the database is not a clone.
     */
    public record DeployMark(String writtenBy, String packageId) {
    }

    public DeployMark deployMark() {
        var rs = Db.query(pool, """
                SELECT m.xmin::text, s.package_id::text FROM lizsync.server_metadata m
                LEFT JOIN lizsync.clone_state s ON s.clone_id = m.server_id WHERE m.server_role = 'clone' LIMIT 1""");
        if (rs.size() == 0) {
            return null;
        }
        Row r = rs.iterator().next();
        return new DeployMark(r.getString(0), r.getString(1));
    }

    /** The package this clone was last deployed from (uuid), or null. */
    public String packageId() {
        var rs = Db.query(pool, "SELECT package_id::text FROM lizsync.clone_state WHERE clone_id = " + SELF);
        return rs.size() == 0 ? null : rs.iterator().next().getString(0);
    }

    /** The structure of the clone's tables (for central's structure check). */
    public java.util.Collection<Catalog.TableShape> shapes(List<TableRef> tables) throws Exception {
        return Db.withConnection(pool, c -> Catalog.shapes(c, tables).values());
    }

    /** A push: its id and the snapshot whose visible transactions' log rows it carries. */
    public record Push(String pushId, String snapshot, String sentSnapshot) {
    }

    /**
     * The next push, or null when there is nothing to send. An earlier push central may not have
     * confirmed is sent again with the same id and the same changes. Otherwise the new push is
     * every change committed now: one snapshot, recorded with the push id, says which (a
     * transaction still running, or newer, is not visible in it and waits for the next push), so
     * no log row is written to mark it. The changes themselves are read by {@link #readPush}.
     */
    public Push nextPush(boolean keepLog) throws Exception {
        return Db.inTransaction(pool, c -> {
            // One snapshot for the whole transaction: what it counts is exactly what the push carries.
            Db.execute(c, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            var open = Db.query(c, "SELECT open_push_id::text, open_push_snapshot::text, EXISTS (SELECT 1 FROM "
                    + "audit.logged_actions l WHERE pg_visible_in_snapshot(l.transaction_id, s.open_push_snapshot) "
                    + "AND l.action <> 'T' AND " + NOT_SENT + "), pushed_snapshot::text FROM lizsync.clone_state s "
                    + "WHERE s.clone_id = " + SELF + " AND s.open_push_id IS NOT NULL");
            if (open.size() > 0) {
                Row o = open.iterator().next();
                if (o.getBoolean(2)) {
                    return new Push(o.getString(0), o.getString(1), o.getString(3));
                }
                // Nothing but TRUNCATE records left in it (not synchronised): done with it here.
                completePush(c, o.getString(0), keepLog);
            }
            Row counts = Db.query(c, "SELECT count(*) FILTER (WHERE l.action <> 'T' AND " + NOT_SENT + "), "
                    + "count(*) FILTER (WHERE l.action = 'T') FROM audit.logged_actions l").iterator().next();
            if (counts.getLong(0) == 0) {
                if (counts.getLong(1) > 0) {
                    // Only TRUNCATE records (not synchronised): nothing to send, they leave the log.
                    Db.query(c, "DELETE FROM audit.logged_actions WHERE action = 'T' AND "
                            + "pg_visible_in_snapshot(transaction_id, pg_current_snapshot())");
                }
                return null;
            }
            String pushId = UUID.randomUUID().toString();
            var snapshot = Db.query(c, "UPDATE lizsync.clone_state SET open_push_id = $1::uuid, "
                    + "open_push_snapshot = pg_current_snapshot() WHERE clone_id = " + SELF
                    + " RETURNING open_push_snapshot::text, pushed_snapshot::text", pushId);
            Row r = snapshot.iterator().next();
            return new Push(pushId, r.getString(0), r.getString(1));
        });
    }

    /**
     * Reads a push as net changes, one per row, in replay order (inserts by first event, then
     * updates, then deletes by last event), folded row by row from the log as PostgreSQL sorts
     * it, and hands each to {@code sink} as it is read: nothing holds the whole push, here or on
     * central. Returns the number of log rows read.
     */
    public long readPush(Push push, Identity me, Consumer<NetChange> sink) throws Exception {
        String cloneId = me.cloneId();
        return Db.inTransaction(pool, c -> {
            // PostgreSQL sorts the push (two sorts over its log rows): in memory up to some 100 000
            // changes instead of merging runs on disk with the default 4 MB.
            Db.execute(c, "SET LOCAL work_mem = '64MB'");
            // The push's transactions, less those of the last confirmed push (a tier keeps them) and
            // less what this node pulled from its central (a tier logs it for its children).
            var statement = Db.await(c.prepare(ChangeLog.groupedByRow(ChangeLog.PUSH_COLUMNS, "audit.logged_actions l",
                    "pg_visible_in_snapshot(l.transaction_id, $1::pg_snapshot) AND l.action <> 'T' AND ($2::text IS NULL "
                            + "OR NOT pg_visible_in_snapshot(l.transaction_id, $2::text::pg_snapshot)) "
                            + "AND l.sync_data ->> 'origin' IS DISTINCT FROM $3", "coalesce($3, '')", "0")));
            var cursor = statement.cursor(Tuple.of(push.snapshot(), push.sentSnapshot(), me.centralId()));
            // Central takes every table of the push (it checks them); nothing that came from it goes back.
            Collapser.RowByRow folder = new Collapser.RowByRow(new Routing.Destination(me.centralId(), null));
            Map<TableRef, TableRef> tables = new HashMap<>();
            long read = 0;
            try {
                do {
                    for (Row r : Db.await(cursor.read(PUSH_CHUNK))) {
                        read++;
                        NetChange done = folder.add(ChangeLog.toChange(r, cloneId, tables));
                        if (done != null) {
                            sink.accept(done);
                        }
                    }
                } while (cursor.hasMore());
                NetChange last = folder.finish();
                if (last != null) {
                    sink.accept(last);
                }
            } finally {
                Db.await(cursor.close());
                Db.await(statement.close());
            }
            return read;
        });
    }

    /** The clone database's clock now (the clock that stamps this clone's edits). */
    public java.time.Instant databaseNow() {
        return Db.query(pool, "SELECT clock_timestamp()").iterator().next().getOffsetDateTime(0).toInstant();
    }

    /**
     * Central confirmed the push: its changes leave the local log, or, with {@code keepLog} (a
     * tier, whose children pull from this log), stay and are marked as sent by the push's snapshot.
     */
    public void completePush(String pushId, boolean keepLog) throws Exception {
        Db.inTransaction(pool, c -> {
            completePush(c, pushId, keepLog);
            return null;
        });
    }

    private static void completePush(SqlConnection c, String pushId, boolean keepLog) {
        var open = Db.query(c, "SELECT open_push_snapshot::text FROM lizsync.clone_state WHERE clone_id = " + SELF
                + " AND open_push_id = $1::uuid FOR UPDATE", pushId);
        if (open.size() == 0) {
            return;
        }
        if (keepLog) {
            Db.execute(c, "UPDATE lizsync.clone_state SET pushed_snapshot = open_push_snapshot, open_push_id = NULL, "
                    + "open_push_snapshot = NULL WHERE clone_id = " + SELF);
            return;
        }
        Db.query(c, "DELETE FROM audit.logged_actions WHERE pg_visible_in_snapshot(transaction_id, $1::pg_snapshot)",
                open.iterator().next().getString(0));
        Db.query(c, "UPDATE lizsync.clone_state SET open_push_id = NULL, open_push_snapshot = NULL WHERE clone_id = "
                + SELF);
    }

    /** Local edits not sent to central yet (log rows). */
    public long unsyncedEdits() {
        return Db.query(pool, "SELECT count(*) FROM audit.logged_actions l WHERE " + NOT_SENT).iterator().next()
                .getLong(0);
    }

    /**
     * Replays central's changes and records the new cursor, in one local transaction: both or
     * neither. Replay is not captured again (lizsync.capture = off) and, where the sidecar's role
     * may, runs with logical replication's apply semantics (session_replication_role = replica:
     * user triggers do not fire again; central already ran them). Fields edited here and not yet
     * pushed keep their local value: that edit goes to central next and is decided there.
     */
    /**
     * What a pull applied: changes written, changes received, the central position committed, and
     * the schemas whose QGIS {@code qgis_projects} table it wrote (their projects are adapted next).
     */
    public record Applied(long applied, long received, long tickId, Set<String> qgisProjectSchemas) {
    }

    /** Central's changes as they arrive, and the position they lead to once all have arrived. */
    public interface Incoming extends java.util.Iterator<NetChange> {
        /** Central's position after the last change; refused when the stream did not end whole. */
        long position();
    }

    /**
     * Applies a pull as its batches arrive (the database works while central still sends), in
     * one local transaction that also records the new cursor: a stream that breaks off, or ends
     * without its last batch, rolls everything back. With {@code relayOrigin} (a tier: this
     * database is also the central of its children), the replayed rows are logged with that
     * origin, set-based as central logs the pushes it replays, so that the children receive them
     * and they are never pushed back.
     */
    public Applied applyPull(Incoming changes, String relayOrigin) throws Exception {
        return Db.inTransaction(pool, c -> {
            long t0 = System.nanoTime();
            Db.execute(c, "SET LOCAL lizsync.capture = 'off'");
            boolean superuser = Db.query(c, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                    .iterator().next().getBoolean(0);
            if (superuser) {
                Db.execute(c, "SET LOCAL session_replication_role = replica");
            }
            // Edits made here and not yet sent (usually none or few): their fields keep the local value.
            Map<String, Set<String>> localFields = new HashMap<>();
            Set<String> localRows = new HashSet<>();
            for (Row r : Db.query(c, """
                    SELECT l.uid::text, l.action::text, akeys(l.changed_fields) FROM audit.logged_actions l
                    WHERE l.uid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM lizsync.clone_state s
                        WHERE s.clone_id = %s AND s.open_push_snapshot IS NOT NULL
                          AND pg_visible_in_snapshot(l.transaction_id, s.open_push_snapshot)) AND %s""".formatted(SELF, NOT_SENT))) {
                if (!r.getString(1).equals("U")) {
                    localRows.add(r.getString(0));
                } else {
                    localFields.computeIfAbsent(r.getString(0), k -> new HashSet<>())
                            .addAll(List.of(r.getArrayOfStrings(2)));
                }
            }
            // A tier logs what it replays, with its central as origin: its children pull it from here.
            ChangeWriter writer = relayOrigin == null ? new ChangeWriter(c)
                    : ChangeWriter.logging(c, io.vertx.core.json.Json.encode(Map.of("origin", relayOrigin)));
            long received = 0;
            Set<String> projectSchemas = new java.util.TreeSet<>();
            while (changes.hasNext()) {
                NetChange n = changes.next();
                received++;
                if (io.lizsync.qgis.StoredProjects.TABLE.equals(n.table().table()) && n.kind() != NetChange.Kind.DELETE) {
                    projectSchemas.add(n.table().schema());
                }
                if (localRows.contains(n.uid())) {
                    continue;
                }
                Set<String> mine = localFields.get(n.uid());
                if (mine != null && n.kind() != NetChange.Kind.DELETE) {
                    Map<String, String> values = new HashMap<>(n.values());
                    values.keySet().removeAll(mine);
                    n = new NetChange(n.table(), n.uid(), n.kind(), values, Map.of(), Map.of(), Map.of(),
                            n.writer(), n.editedAt(), 0, 0, List.of());
                }
                writer.apply(n);
            }
            long tick = changes.position();
            long applied = writer.finish();
            Db.query(c, "UPDATE lizsync.clone_state SET last_tick_id = $1, last_sync = now() "
                    + "WHERE clone_id = " + SELF, tick);
            if (received > 0) {
                LOG.debugf("applied %d of %d pulled change(s) in %d ms while receiving (waiting for statements %d ms)",
                        applied, received, (System.nanoTime() - t0) / 1_000_000, writer.statementNanos() / 1_000_000);
            }
            return new Applied(applied, received, tick, projectSchemas);
        });
    }

    /**
     * Makes this database a clone of a registration: tools installed if absent, identity, cursor,
     * table list and audit triggers, in one transaction after the install.
     */
    public void attach(String cloneId, String cloneName, String centralId, long tickId, List<TableRef> tables)
            throws Exception {
        ToolsInstaller installer = new ToolsInstaller(dataSource);
        if (!installer.status().installed()) {
            var outcome = installer.install(false, false, null);
            if (!outcome.ok()) {
                throw new IllegalStateException(outcome.message());
            }
        }
        Db.inTransaction(pool, c -> {
            for (TableRef t : tables) {
                if (!Catalog.shape(c, t).exists()) {
                    throw new IllegalArgumentException("table " + t + " does not exist in the clone database");
                }
            }
            // The former identity of this database goes; the rows of other nodes (a tier's children) stay.
            Db.query(c, "DELETE FROM lizsync.clone_state WHERE clone_id = " + SELF + " OR clone_id = $1::uuid", cloneId);
            Db.query(c, "DELETE FROM lizsync.synchronized_tables WHERE server_id = " + SELF + " OR server_id = $1::uuid",
                    cloneId);
            Db.execute(c, "DELETE FROM lizsync.server_metadata");
            Db.query(c, "INSERT INTO lizsync.server_metadata (server_id, server_name, server_role) "
                    + "VALUES ($1::uuid, $2, 'clone')", cloneId, cloneName);
            Db.query(c, "INSERT INTO lizsync.clone_state (clone_id, clone_name, central_id, last_tick_id) "
                    + "VALUES ($1::uuid, $2, $3::uuid, $4)", cloneId, cloneName, centralId, tickId);
            List<Tuple> rows = new ArrayList<>();
            for (TableRef t : tables) {
                rows.add(Tuple.of(cloneId, t.schema(), t.table()));
                Db.query(c, "SELECT audit.audit_table($1, $2, 'uid')", t.schema(), t.table());
            }
            Db.batch(c, "INSERT INTO lizsync.synchronized_tables (server_id, schema_name, table_name) "
                    + "VALUES ($1::uuid, $2, $3)", rows);
            return null;
        });
    }

    /**
     * Requests of lizsync.synchronize() waiting in this database (request ids). Only uuid ids are
     * requests: any session can name itself 'lizsync-sync-request:...', and an id that cannot be
     * answered would be asked again at every poll.
     */
    public List<String> waitingSqlRequests() {
        List<String> out = new ArrayList<>();
        for (Row r : Db.query(pool, """
                SELECT substr(a.application_name, 22) FROM pg_stat_activity a
                WHERE a.datname = current_database() AND a.application_name LIKE 'lizsync-sync-request:%'
                  AND substr(a.application_name, 22)
                      ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                  AND NOT EXISTS (SELECT 1 FROM lizsync.sync_requests q
                                  WHERE q.request_id::text = substr(a.application_name, 22))""")) {
            out.add(r.getString(0));
        }
        return out;
    }

    public void answerSqlRequest(String requestId, int status, long toCentral, long toClone, long conflicts,
            String message) throws Exception {
        Db.inTransaction(pool, c -> Db.query(c, """
                INSERT INTO lizsync.sync_requests (request_id, finished_at, status, replayed_to_central,
                                                   replayed_to_clone, conflicts, message)
                VALUES ($1::uuid, now(), $2, $3, $4, $5, $6) ON CONFLICT (request_id) DO NOTHING""",
                requestId, status, toCentral, toClone, conflicts, message));
    }

}
