package io.lizsync.sync.exchange;

import io.grpc.Status;
import io.lizsync.proto.sync.v1.Change;
import io.lizsync.proto.sync.v1.ChangeAction;
import io.lizsync.proto.sync.v1.TableFingerprint;
import io.lizsync.sync.db.Catalog;
import io.lizsync.sync.db.ChangeLog;
import io.lizsync.sync.db.ChangeWriter;
import io.lizsync.sync.db.Db;
import io.lizsync.sync.engine.Collapser;
import io.lizsync.sync.engine.ConflictPolicy;
import io.lizsync.sync.engine.ConflictResolver;
import io.lizsync.sync.engine.LoggedChange;
import io.lizsync.sync.engine.NetChange;
import io.lizsync.sync.engine.TableRef;
import io.vertx.core.json.Json;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Central side of the exchange: clone registration and credentials, and the four steps of a
 * session (hello, push, pull, acknowledge). Each step is one database transaction on central;
 * the clone's row in {@code lizsync.clone_state} is locked by each, so two sessions of one clone
 * never interleave (a new hello takes the session over; the old one's next call is refused).
 */
@ApplicationScoped
public class ExchangeService {

    private static final Logger LOG = Logger.getLogger(ExchangeService.class);

    /** Log rows read per cursor fetch in a pull. */
    private static final int PULL_CHUNK = 5000;

    private final Pool pool;

    ExchangeService(Pool pool) {
        this.pool = pool;
    }

    /** What RegisterClone returns. */
    public record Registration(String cloneId, String credential, String centralId, long tickId) {
    }

    /** What Hello returns. */
    public record Hello(String sessionId, String centralId, String toolsVersion, long clockOffsetMs,
            List<TableFingerprint> tables, boolean redeployRequired, Instant centralTime, boolean upToDate) {
    }

    /** What Push returns. */
    public record PushOutcome(long applied, long duplicates, long conflicts, long pendingConflicts,
            boolean pullNeeded, Long position) {
    }

    /** What Pull returns: the changes in replay order and the position they lead to. */
    public record PullOutcome(List<NetChange> changes, long tickId) {
        /** The wire form of changes [from, to): built batch by batch while the stream is sent. */
        public List<Change> wire(int from, int to) {
            List<Change> out = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                out.add(toPulled(changes.get(i)));
            }
            return out;
        }
    }

    // ------------------------------------------------------------------ registration

    public String centralId(SqlConnection c) {
        var rs = Db.query(c, "SELECT server_id::text FROM lizsync.server_metadata LIMIT 1");
        if (rs.size() == 0) {
            throw new ExchangeException(Status.Code.FAILED_PRECONDITION,
                    "central has no server id: run prepare with add server id first");
        }
        return rs.iterator().next().getString(0);
    }

    public Registration register(String requestedId, String name, List<TableRef> tables) throws Exception {
        return register(requestedId, name, tables, null);
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
            String centralId = centralId(c);
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
                    throw new ExchangeException(Status.Code.FAILED_PRECONDITION,
                            "table " + t + " is not prepared on central (no audit trigger): run prepare first");
                }
            }
            long tick;
            if (packageHistoryId == null || packageHistoryId.isBlank()) {
                tick = newTick(c);
            } else {
                String item = parseUuid(packageHistoryId, "package_history_sync_id");
                var rs = Db.query(c, """
                        SELECT h.tick_id, EXISTS (SELECT 1 FROM lizsync.ticks k WHERE k.tick_id = h.tick_id)
                        FROM lizsync.history h WHERE h.sync_id = $1::uuid AND h.sync_type = 'full'""", item);
                if (rs.size() == 0) {
                    throw new ExchangeException(Status.Code.NOT_FOUND, "no package history item " + item + " on central");
                }
                Row r = rs.iterator().next();
                if (r.getLong(0) == null || !r.getBoolean(1)) {
                    throw new ExchangeException(Status.Code.FAILED_PRECONDITION, "the package of history item " + item
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
        return checkCredential(parts, Db.query(pool, CREDENTIAL_QUERY, parts[0]));
    }

    private static final String CREDENTIAL_QUERY =
            "SELECT credential_hash, credential_revoked_at IS NOT NULL FROM lizsync.clone_state WHERE clone_id = $1::uuid";

    /** The clone id (canonical) and the secret of a credential; refused when malformed. */
    private static String[] credentialParts(String credential) {
        String[] parts = Credentials.split(credential);
        if (parts == null) {
            throw new ExchangeException(Status.Code.UNAUTHENTICATED,
                    "missing or malformed clone credential (authorization: Bearer <clone id>.<secret>)");
        }
        try {
            return new String[] {UUID.fromString(parts[0]).toString(), parts[1]};
        } catch (IllegalArgumentException e) {
            throw new ExchangeException(Status.Code.UNAUTHENTICATED, "malformed clone credential");
        }
    }

    /** Checks a credential against the clone's row ({@link #CREDENTIAL_QUERY}); returns the clone id. */
    private static String checkCredential(String[] parts, RowSet<Row> rs) {
        String cloneId = parts[0];
        if (rs.size() == 0) {
            throw new ExchangeException(Status.Code.UNAUTHENTICATED, "unknown clone " + cloneId);
        }
        Row r = rs.iterator().next();
        if (r.getBoolean(1)) {
            throw new ExchangeException(Status.Code.UNAUTHENTICATED, "the credential of clone " + cloneId + " was revoked");
        }
        if (!Credentials.matches(parts[1], r.getString(0))) {
            throw new ExchangeException(Status.Code.UNAUTHENTICATED, "wrong credential for clone " + cloneId);
        }
        return cloneId;
    }

    /**
     * Opens a session. With {@code nothingToPush} and nothing waiting for the clone on central,
     * the session is complete at once: no session is opened, the clone's last sync is recorded
     * and {@link Hello#upToDate()} is true (an idle sync costs one call and one transaction).
     */
    public Hello hello(String credential, String claimedId, String toolsVersion, Instant cloneTime,
            List<TableFingerprint> cloneTables, String cursor, boolean nothingToPush) throws Exception {
        String[] credentialParts = credentialParts(credential);
        String cloneId = credentialParts[0];
        if (!cloneId.equals(claimedId)) {
            // The credential is checked first: an unauthenticated caller learns nothing here.
            authenticate(credential);
            throw new ExchangeException(Status.Code.PERMISSION_DENIED,
                    "clone " + cloneId + " cannot open a session as " + claimedId);
        }
        long offset = cloneTime == null ? 0 : Instant.now().toEpochMilli() - cloneTime.toEpochMilli();
        Long claimedTick = cursor == null || cursor.isBlank() ? null : parseTick(cursor);
        List<TableRef> claimedTables = new ArrayList<>();
        cloneTables.forEach(f -> claimedTables.add(new TableRef(f.getSchemaName(), f.getTableName())));
        return Db.inTransaction(pool, c -> {
            // One round trip for the usual case, statements pipelined in this order: the credential,
            // the clone's state (locked), the shapes of the tables the clone names and whether
            // anything waits since the cursor it names; both guesses are checked against the state.
            var credentialRows = Db.send(c, CREDENTIAL_QUERY, cloneId);
            var stateRows = Db.send(c, """
                    SELECT s.redeploy_required, s.last_tick_id,
                           (SELECT m.server_id::text FROM lizsync.server_metadata m LIMIT 1),
                           lizsync.tools_version(),
                           ARRAY(SELECT t.schema_name FROM lizsync.synchronized_tables t
                                 WHERE t.server_id = s.clone_id ORDER BY t.schema_name, t.table_name),
                           ARRAY(SELECT t.table_name FROM lizsync.synchronized_tables t
                                 WHERE t.server_id = s.clone_id ORDER BY t.schema_name, t.table_name),
                           $2::bigint IS NOT NULL AND EXISTS (SELECT 1 FROM lizsync.ticks k WHERE k.tick_id = $2)
                    FROM lizsync.clone_state s WHERE s.clone_id = $1::uuid FOR UPDATE OF s""", cloneId, claimedTick);
            var claimedShapes = Catalog.sendShapes(c, claimedTables);
            var pendingSinceClaimed = claimedTick == null ? null : sendPendingFor(c, cloneId, claimedTick);
            checkCredential(credentialParts, Db.await(credentialRows));
            var rs = Db.await(stateRows);
            if (rs.size() == 0) {
                throw new ExchangeException(Status.Code.NOT_FOUND, "unknown clone " + cloneId);
            }
            Row state = rs.iterator().next();
            String centralId = state.getString(2);
            if (centralId == null) {
                throw new ExchangeException(Status.Code.FAILED_PRECONDITION,
                        "central has no server id: run prepare with add server id first");
            }
            String centralVersion = state.getString(3);
            if (!java.util.Objects.equals(centralVersion, toolsVersion)) {
                throw new ExchangeException(Status.Code.FAILED_PRECONDITION, "tools version differs: central has "
                        + centralVersion + ", clone has " + toolsVersion + "; upgrade or redeploy the clone");
            }
            List<TableRef> tables = new ArrayList<>();
            String[] schemas = state.getArrayOfStrings(4);
            String[] names = state.getArrayOfStrings(5);
            for (int i = 0; i < schemas.length; i++) {
                tables.add(new TableRef(schemas[i], names[i]));
            }
            Map<TableRef, TableFingerprint> theirs = new HashMap<>();
            for (TableFingerprint f : cloneTables) {
                theirs.put(new TableRef(f.getSchemaName(), f.getTableName()), f);
            }
            List<TableFingerprint> mine = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            Map<TableRef, Catalog.TableShape> shapes = Catalog.shapes(
                    claimedShapes == null ? null : Db.await(claimedShapes), claimedTables);
            if (!shapes.keySet().equals(new java.util.LinkedHashSet<>(tables))) {
                shapes = Catalog.shapes(c, tables); // the clone named other tables than central records
            }
            for (Catalog.TableShape shape : shapes.values()) {
                TableRef t = shape.table();
                mine.add(TableFingerprint.newBuilder().setSchemaName(t.schema()).setTableName(t.table())
                        .setFingerprint(shape.fingerprint()).build());
                TableFingerprint f = theirs.get(t);
                if (!shape.exists()) {
                    problems.add("table " + t + " no longer exists on central");
                } else if (f == null) {
                    problems.add("table " + t + " is missing on the clone");
                } else if (!f.getFingerprint().equals(shape.fingerprint())) {
                    problems.add("table " + t + " differs: "
                            + Catalog.difference("central", shape.descriptions(), "clone", f.getColumnsList()));
                }
            }
            if (!problems.isEmpty()) {
                throw new ExchangeException(Status.Code.FAILED_PRECONDITION,
                        "structure check failed, nothing was exchanged: " + String.join("; ", problems));
            }
            boolean redeploy = state.getBoolean(0);
            Long tick = state.getLong(1);
            if (claimedTick != null) {
                if (state.getBoolean(6)) {
                    // The clone's own cursor is the truth about what it committed (an ack may have been lost).
                    tick = claimedTick;
                } else {
                    redeploy = true;
                }
            }
            boolean pending;
            if (tick != null && tick.equals(claimedTick) && pendingSinceClaimed != null) {
                pending = pendingResult(Db.await(pendingSinceClaimed));
            } else {
                pending = tick != null && pendingFor(c, cloneId, tick);
            }
            boolean upToDate = nothingToPush && !redeploy && tick != null && !pending;
            String session = upToDate ? null : UUID.randomUUID().toString();
            Db.query(c, """
                    UPDATE lizsync.clone_state SET session_id = $2::uuid, session_started = now(), session_tick_id = NULL,
                        last_clock_offset_ms = $3, last_tick_id = $4, redeploy_required = $5,
                        last_sync = CASE WHEN $6 THEN now() ELSE last_sync END
                    WHERE clone_id = $1::uuid""", cloneId, session, offset, tick, redeploy, upToDate);
            return new Hello(session == null ? "" : session, centralId, centralVersion, offset, mine, redeploy,
                    Instant.now(), upToDate);
        });
    }

    /**
     * True when central holds something the clone has not seen since {@code tick}: a change of one
     * of its tables written by another node (its own changes never go back to it), or a row to
     * resend whole. Committed changes only (this transaction's snapshot).
     */
    private static boolean pendingFor(SqlConnection c, String cloneId, long tick) {
        return pendingResult(Db.await(sendPendingFor(c, cloneId, tick)));
    }

    private static java.util.concurrent.CompletableFuture<RowSet<Row>> sendPendingFor(SqlConnection c, String cloneId,
            long tick) {
        return Db.send(c, """
                SELECT EXISTS (SELECT 1 FROM audit.logged_actions l, lizsync.ticks k
                               WHERE k.tick_id = $2 AND l.action <> 'T'
                                 AND l.transaction_id >= pg_snapshot_xmin(k.tick_snapshot)
                                 AND NOT pg_visible_in_snapshot(l.transaction_id, k.tick_snapshot)
                                 AND (l.sync_data ->> 'origin') IS DISTINCT FROM $1
                                 AND EXISTS (SELECT 1 FROM lizsync.synchronized_tables s
                                             WHERE s.server_id = $1::uuid AND s.schema_name = l.schema_name
                                               AND s.table_name = l.table_name))
                    OR EXISTS (SELECT 1 FROM lizsync.resend_rows r WHERE r.clone_id = $1::uuid)""", cloneId, tick);
    }

    private static boolean pendingResult(RowSet<Row> rs) {
        return rs.iterator().next().getBoolean(0);
    }

    // ------------------------------------------------------------------ push

    /**
     * A push as its batches arrive: each change is checked and folded at once, so that memory
     * grows with the rows the push touches, not with its messages. Errors are kept and reported
     * when the push is applied (nothing is applied then).
     */
    public static final class IncomingPush {
        private final String cloneId;
        private final Collapser.Folder folder = new Collapser.Folder();
        private final Map<TableRef, TableRef> tables = new HashMap<>();
        private String sessionId;
        private String pushId;
        private long offsetMs;
        private long count;
        private Long firstEvent;
        private Long lastEvent;
        private RuntimeException error;
        private long firstArrival;
        private long lastArrival;
        private long foldNanos;

        public IncomingPush(String cloneId) {
            this.cloneId = cloneId;
        }

        public IncomingPush add(io.lizsync.proto.sync.v1.ChangeBatch b) {
            if (error != null) {
                return this;
            }
            long t0 = System.nanoTime();
            firstArrival = firstArrival == 0 ? t0 : firstArrival;
            try {
                if (sessionId == null) {
                    sessionId = b.getSessionId();
                    pushId = b.getPushId();
                    offsetMs = b.getClockOffsetMs();
                } else if (!b.getSessionId().equals(sessionId) || !b.getPushId().equals(pushId)) {
                    throw new IllegalArgumentException("all batches of a push carry the same session and push id");
                }
                for (Change ch : b.getChangesList()) {
                    TableRef t = tables.computeIfAbsent(new TableRef(ch.getSchemaName(), ch.getTableName()), k -> k);
                    LoggedChange e = fromPushed(ch, t, cloneId, offsetMs);
                    folder.add(e);
                    count++;
                    firstEvent = firstEvent == null ? e.eventId() : firstEvent;
                    lastEvent = e.eventId();
                }
            } catch (RuntimeException e) {
                error = e;
            }
            lastArrival = System.nanoTime();
            foldNanos += lastArrival - t0;
            return this;
        }
    }

    public PushOutcome push(IncomingPush in) throws Exception {
        if (in.error != null) {
            throw in.error;
        }
        if (in.sessionId == null) {
            throw new IllegalArgumentException("a push needs at least one batch");
        }
        String cloneId = in.cloneId;
        String sessionId = in.sessionId;
        String push = parseUuid(in.pushId, "push_id");
        long offsetMs = in.offsetMs;
        return Db.inTransaction(pool, c -> {
            long t0 = System.nanoTime();
            Row state = lockClone(c, cloneId);
            checkSession(state, sessionId);
            var done = Db.query(c, "SELECT applied, conflicts FROM lizsync.received_pushes WHERE push_id = $1::uuid",
                    push);
            if (done.size() > 0) {
                Row d = done.iterator().next();
                LOG.infof("push %s of clone %s was already applied: answered, not applied again", push, cloneId);
                return new PushOutcome(d.getLong(0), in.count, d.getLong(1), 0, true, null);
            }
            long offset = offsetMs;
            Db.query(c, "UPDATE lizsync.clone_state SET last_clock_offset_ms = $2 WHERE clone_id = $1::uuid", cloneId,
                    offset);
            Set<TableRef> allowed = new HashSet<>(cloneTables(c, cloneId));
            for (TableRef t : in.tables.keySet()) {
                if (!allowed.contains(t)) {
                    throw new ExchangeException(Status.Code.PERMISSION_DENIED,
                            "clone " + cloneId + " does not synchronise table " + t + "; nothing was applied");
                }
            }
            List<NetChange> cloneNet = in.folder.result(null);
            Set<String> uids = new HashSet<>();
            cloneNet.forEach(n -> uids.add(n.uid()));
            String centralId = centralId(c);
            List<LoggedChange> pending = new ArrayList<>();
            for (Row r : Db.query(c, "SELECT " + ChangeLog.COLUMNS + """
                     FROM audit.logged_actions l, lizsync.ticks k
                    WHERE k.tick_id = $1 AND l.uid = ANY ($2::text[]::uuid[]) AND l.action <> 'T'
                      AND l.transaction_id >= pg_snapshot_xmin(k.tick_snapshot)
                      AND NOT pg_visible_in_snapshot(l.transaction_id, k.tick_snapshot)
                    ORDER BY l.event_id""", state.getLong(3), uids.toArray(new String[0]))) {
                pending.add(ChangeLog.toChange(r, centralId));
            }
            long tRead = System.nanoTime();
            List<NetChange> centralNet = Collapser.collapse(pending, cloneId);
            Map<TableRef, ConflictPolicy> policies = policies(c);
            var resolution = ConflictResolver.resolve(cloneNet, centralNet, policies::get);
            String syncId = UUID.randomUUID().toString();
            // The replayed rows are logged by the writer's own statements, with the clone as origin.
            ChangeWriter writer = ChangeWriter.logging(c, Json.encode(Map.of("origin", cloneId, "sync_id", syncId)));
            resolution.toApply().forEach(writer::apply);
            long applied = writer.finish();
            long tApplied = System.nanoTime();
            long pendingConflicts = recordDecisions(c, cloneId, resolution.decisions());
            List<Tuple> resend = new ArrayList<>();
            resolution.resendRows().forEach(k -> resend.add(Tuple.of(cloneId, k.table().schema(), k.table().table(),
                    k.uid())));
            Db.batch(c, "INSERT INTO lizsync.resend_rows (clone_id, schema_name, table_name, uid) "
                    + "VALUES ($1::uuid, $2, $3, $4::uuid) ON CONFLICT DO NOTHING", resend);
            Db.query(c, """
                    INSERT INTO lizsync.history (sync_id, server_from, server_to, sync_type, sync_status, change_count,
                                                 conflict_count, min_event_id, max_event_id)
                    VALUES ($1::uuid, $2::uuid, ARRAY[$3::uuid], 'partial', 'done', $4, $5, $6, $7)""",
                    syncId, cloneId, centralId, applied, (long) resolution.decisions().size(), in.firstEvent,
                    in.lastEvent);
            Db.query(c, """
                    INSERT INTO lizsync.received_pushes (push_id, clone_id, change_count, applied, conflicts, sync_id)
                    VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6::uuid)""", push, cloneId, in.count, applied,
                    (long) resolution.decisions().size(), syncId);
            // The tick first, the check after: whatever is visible in the tick's snapshot is also
            // visible to the check's later statement snapshot, so nothing can slip between them.
            long nextTick = newTickPastSelf(c);
            boolean pullNeeded = pendingFor(c, cloneId, state.getLong(3));
            if (pullNeeded) {
                Db.query(c, "DELETE FROM lizsync.ticks WHERE tick_id = $1", nextTick);
            } else {
                // Nothing for the clone but its own changes: this push completes the session and
                // moves its cursor past them (no pull, no acknowledge).
                Db.query(c, "UPDATE lizsync.clone_state SET session_id = NULL, last_sync = now(), last_tick_id = $2 "
                        + "WHERE clone_id = $1::uuid", cloneId, nextTick);
            }
            LOG.infof("push %s of clone %s: %d event(s), %d applied, %d conflict(s), pull %s; received over %d ms "
                    + "(folding %d ms), then %d ms (read %d, apply %d)",
                    push, cloneId, in.count, applied, resolution.decisions().size(),
                    pullNeeded ? "needed" : "not needed", (in.lastArrival - in.firstArrival) / 1_000_000,
                    in.foldNanos / 1_000_000, (System.nanoTime() - t0) / 1_000_000,
                    (tRead - t0) / 1_000_000, (tApplied - tRead) / 1_000_000);
            return new PushOutcome(applied, 0, resolution.decisions().size(), pendingConflicts, pullNeeded,
                    pullNeeded ? null : nextTick);
        });
    }

    private long recordDecisions(SqlConnection c, String cloneId, List<ConflictResolver.Decision> decisions) {
        List<Tuple> rows = new ArrayList<>();
        long pending = 0;
        for (var d : decisions) {
            if (d.winner().equals("pending")) {
                pending++;
            }
            rows.add(Tuple.from(new Object[] {d.table().schema(), d.table().table(), d.uid(), d.field(), cloneId,
                String.valueOf(d.centralAction()), json(d.centralValue()), odt(d.centralAt()),
                String.valueOf(d.cloneAction()), json(d.cloneValue()), odt(d.cloneAt()), d.rule(), d.winner()}));
        }
        Db.batch(c, """
                INSERT INTO lizsync.conflicts (schema_name, table_name, object_uid, field_name, clone_id, central_action,
                    central_value, central_edited_at, clone_action, clone_value, clone_edited_at, rule_applied, winner)
                VALUES ($1, $2, $3::uuid, $4, $5::uuid, $6::"char", $7::text::jsonb, $8, $9::"char", $10::text::jsonb, $11, $12,
                        $13)""",
                rows);
        return pending;
    }

    // ------------------------------------------------------------------ pull

    public PullOutcome pull(String cloneId, String sessionId) throws Exception {
        return Db.inTransaction(pool, c -> {
            long t0 = System.nanoTime();
            Db.execute(c, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            Row state = lockClone(c, cloneId);
            checkSession(state, sessionId);
            String centralId = centralId(c);
            long tick = newTick(c);
            // Read through a cursor and folded as it comes: memory grows with the rows changed,
            // not with the length of the log.
            Collapser.Folder folder = new Collapser.Folder();
            Map<TableRef, TableRef> tableRefs = new HashMap<>();
            var statement = Db.await(c.prepare("SELECT " + ChangeLog.PULL_COLUMNS + """
                     FROM audit.logged_actions l, lizsync.ticks k
                    WHERE k.tick_id = $1 AND l.action <> 'T'
                      AND l.transaction_id >= pg_snapshot_xmin(k.tick_snapshot)
                      AND NOT pg_visible_in_snapshot(l.transaction_id, k.tick_snapshot)
                      AND EXISTS (SELECT 1 FROM lizsync.synchronized_tables s WHERE s.server_id = $2::uuid
                                  AND s.schema_name = l.schema_name AND s.table_name = l.table_name)
                    ORDER BY l.event_id"""));
            var cursor = statement.cursor(Tuple.of(state.getLong(3), cloneId));
            try {
                do {
                    for (Row r : Db.await(cursor.read(PULL_CHUNK))) {
                        folder.add(ChangeLog.toChange(r, centralId, tableRefs));
                    }
                } while (cursor.hasMore());
            } finally {
                Db.await(cursor.close());
                Db.await(statement.close());
            }
            long events = folder.added();
            long tRead = System.nanoTime();
            List<NetChange> net = new ArrayList<>(folder.result(cloneId));
            net.addAll(resendRows(c, cloneId, centralId));
            net.sort(Collapser.REPLAY_ORDER);
            Db.query(c, "UPDATE lizsync.clone_state SET session_tick_id = $2 WHERE clone_id = $1::uuid", cloneId, tick);
            LOG.infof("pull of clone %s: %d event(s) -> %d change(s), tick %d; %d ms (read %d)", cloneId, events,
                    net.size(), tick, (System.nanoTime() - t0) / 1_000_000, (tRead - t0) / 1_000_000);
            return new PullOutcome(net, tick);
        });
    }

    private List<NetChange> resendRows(SqlConnection c, String cloneId, String centralId) {
        List<NetChange> out = new ArrayList<>();
        for (Row k : Db.rows(Db.query(c, "SELECT schema_name, table_name, uid::text FROM lizsync.resend_rows "
                + "WHERE clone_id = $1::uuid", cloneId))) {
            TableRef t = new TableRef(k.getString(0), k.getString(1));
            var rs = Db.query(c, "SELECT akeys(h), avals(h) FROM (SELECT hstore(lizsync_row.*) AS h FROM " + t.quoted()
                    + " lizsync_row WHERE uid = $1::uuid) s", k.getString(2));
            if (rs.size() == 0) {
                continue;
            }
            Row r = rs.iterator().next();
            Map<String, String> row = new LinkedHashMap<>();
            String[] keys = r.getArrayOfStrings(0);
            String[] vals = r.getArrayOfStrings(1);
            for (int i = 0; i < keys.length; i++) {
                row.put(keys[i], vals[i]);
            }
            out.add(new NetChange(t, k.getString(2), NetChange.Kind.UPSERT, row, Map.of(), Map.of(), Map.of(),
                    centralId, Instant.now(), Long.MAX_VALUE, Long.MAX_VALUE, List.of()));
        }
        return out;
    }

    // ------------------------------------------------------------------ ack

    public String acknowledge(String cloneId, String sessionId, String position, long applied) throws Exception {
        long tick = parseTick(position);
        return Db.inTransaction(pool, c -> {
            Row state = lockClone(c, cloneId);
            checkSession(state, sessionId);
            Long sessionTick = state.getLong(4);
            if (sessionTick == null || sessionTick != tick) {
                throw new ExchangeException(Status.Code.FAILED_PRECONDITION,
                        "acknowledged position " + tick + " is not the one this session pulled (" + sessionTick + ")");
            }
            String centralId = centralId(c);
            Db.query(c, """
                    UPDATE lizsync.clone_state SET last_tick_id = $2, last_sync = now(), session_id = NULL,
                        session_tick_id = NULL, redeploy_required = false WHERE clone_id = $1::uuid""", cloneId, tick);
            Db.query(c, "DELETE FROM lizsync.resend_rows WHERE clone_id = $1::uuid", cloneId);
            return Db.query(c, """
                    INSERT INTO lizsync.history (server_from, server_to, sync_type, sync_status, change_count, tick_id)
                    VALUES ($1::uuid, ARRAY[$2::uuid], 'partial', 'done', $3, $4) RETURNING sync_id::text""",
                    centralId, cloneId, applied, tick).iterator().next().getString(0);
        });
    }

    // ------------------------------------------------------------------ helpers

    /** Locks the clone's state row: (session_id, redeploy_required, offset, last_tick_id, session_tick_id). */
    private static Row lockClone(SqlConnection c, String cloneId) {
        var rs = Db.query(c, """
                SELECT session_id::text, redeploy_required, last_clock_offset_ms, last_tick_id, session_tick_id
                FROM lizsync.clone_state WHERE clone_id = $1::uuid FOR UPDATE""", cloneId);
        if (rs.size() == 0) {
            throw new ExchangeException(Status.Code.NOT_FOUND, "unknown clone " + cloneId);
        }
        return rs.iterator().next();
    }

    private static void checkSession(Row state, String sessionId) {
        if (sessionId == null || !sessionId.equals(state.getString(0))) {
            throw new ExchangeException(Status.Code.ABORTED,
                    "session " + sessionId + " is not (or no longer) the clone's open session; start again with hello");
        }
        if (state.getBoolean(1)) {
            throw new ExchangeException(Status.Code.FAILED_PRECONDITION,
                    "the clone fell behind the central log retention: deploy a new package");
        }
    }

    private static long newTick(SqlConnection c) {
        return Db.query(c, "INSERT INTO lizsync.ticks (tick_snapshot) VALUES (pg_current_snapshot()) RETURNING tick_id")
                .iterator().next().getLong(0);
    }

    /**
     * A tick whose snapshot counts this very transaction as committed: used as the cursor of a
     * clone whose push is the only thing central holds for it, so that its own replayed changes
     * are not read again. The current snapshot is shifted: xmax moves past this transaction's xid,
     * every other xid up to it counts as in progress, this one is left out. If this transaction
     * rolls back, the tick goes with it.
     */
    private static long newTickPastSelf(SqlConnection c) {
        return Db.query(c, """
                WITH s AS (SELECT pg_current_snapshot() AS snap, pg_current_xact_id()::text::bigint AS me),
                     x AS (SELECT greatest(pg_snapshot_xmax(snap)::text::bigint, me + 1) AS xmax,
                                  ARRAY(SELECT i FROM (SELECT j::text::bigint AS i FROM pg_snapshot_xip(snap) j
                                                       UNION
                                                       SELECT generate_series(pg_snapshot_xmax(snap)::text::bigint, me - 1)) u
                                        WHERE i <> me ORDER BY i) AS xip
                           FROM s)
                INSERT INTO lizsync.ticks (tick_snapshot)
                SELECT (coalesce(xip[1], xmax)::text || ':' || xmax::text || ':' || array_to_string(xip, ','))::pg_snapshot
                FROM x
                RETURNING tick_id""").iterator().next().getLong(0);
    }

    private static List<TableRef> cloneTables(SqlConnection c, String cloneId) {
        List<TableRef> out = new ArrayList<>();
        for (Row r : Db.query(c, "SELECT schema_name, table_name FROM lizsync.synchronized_tables "
                + "WHERE server_id = $1::uuid ORDER BY 1, 2", cloneId)) {
            out.add(new TableRef(r.getString(0), r.getString(1)));
        }
        return out;
    }

    private static Map<TableRef, ConflictPolicy> policies(SqlConnection c) {
        Map<TableRef, ConflictPolicy> out = new HashMap<>();
        for (Row r : Db.query(c, "SELECT schema_name, table_name, policy FROM lizsync.table_policies")) {
            out.put(new TableRef(r.getString(0), r.getString(1)), ConflictPolicy.fromSql(r.getString(2)));
        }
        return out;
    }

    static LoggedChange fromPushed(Change ch, TableRef t, String cloneId, long offsetMs) {
        String uid = parseUuid(ch.getUid(), "uid");
        Instant at = Instant.ofEpochSecond(ch.getEditedAt().getSeconds(), ch.getEditedAt().getNanos())
                .plusMillis(offsetMs);
        Map<String, String> next = Wire.values(ch.getNewValuesJson());
        Map<String, String> old = Wire.values(ch.getOldValuesJson());
        return switch (ch.getAction()) {
            case CHANGE_ACTION_INSERT -> new LoggedChange(ch.getOriginEventId(), t, uid, 'I', next, null, cloneId, at);
            case CHANGE_ACTION_UPDATE -> new LoggedChange(ch.getOriginEventId(), t, uid, 'U', old, next, cloneId, at);
            case CHANGE_ACTION_DELETE -> new LoggedChange(ch.getOriginEventId(), t, uid, 'D', old, null, cloneId, at);
            default -> throw new IllegalArgumentException("change " + ch.getOriginEventId() + " has no action");
        };
    }

    static Change toPulled(NetChange n) {
        return Change.newBuilder()
                .setOriginId(n.writer() == null ? "" : n.writer())
                .setOriginEventId(n.lastEventId() == Long.MAX_VALUE ? 0 : n.lastEventId())
                .setSchemaName(n.table().schema())
                .setTableName(n.table().table())
                .setUid(n.uid())
                .setAction(switch (n.kind()) {
                    case UPSERT -> ChangeAction.CHANGE_ACTION_INSERT;
                    case UPDATE -> ChangeAction.CHANGE_ACTION_UPDATE;
                    case DELETE -> ChangeAction.CHANGE_ACTION_DELETE;
                })
                .setNewValuesJson(n.kind() == NetChange.Kind.DELETE ? "" : Wire.json(n.values()))
                .setEditedAt(Wire.timestamp(n.editedAt()))
                .build();
    }

    private static String json(Object value) {
        return value == null ? null : Json.encode(value);
    }

    private static OffsetDateTime odt(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }

    static String parseUuid(String s, String what) {
        try {
            return UUID.fromString(s).toString();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(what + ": not a uuid: '" + s + "'");
        }
    }

    private static long parseTick(String position) {
        try {
            return Long.parseLong(position);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("position: not a central position: '" + position + "'");
        }
    }
}
