package io.lizsync.sync.central.exchange.service;

import io.lizsync.sync.central.exchange.repository.ExchangeRepository;
import io.lizsync.sync.central.exchange.repository.ExchangeRepository.CloneState;
import io.lizsync.sync.central.exchange.service.ExchangeException.Reason;
import io.lizsync.sync.db.Catalog;
import io.lizsync.sync.db.Db;
import io.lizsync.sync.engine.TableRef;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Opening and closing a clone's session on central (hello, acknowledge). Each is one transaction;
 * the clone's row in {@code lizsync.clone_state} is locked by each step of a session, so two
 * sessions of one clone never interleave (a new hello takes the session over).
 */
@ApplicationScoped
public class SessionService {

    private final Pool pool;
    private final io.lizsync.sync.central.syncjobs.service.SessionJobs jobs;

    SessionService(Pool pool, io.lizsync.sync.central.syncjobs.service.SessionJobs jobs) {
        this.pool = pool;
        this.jobs = jobs;
    }

    /** A table's structure fingerprint as a node states it. */
    public record Fingerprint(TableRef table, String fingerprint, List<String> columns) {
    }

    /** What Hello returns. */
    public record Hello(String sessionId, String centralId, String toolsVersion, List<Fingerprint> tables,
            boolean redeployRequired, boolean upToDate, OpenAssignment assignment, UUID syncJob) {
    }

    /** The clone's open assignment (ADR 0015) as hello shows it; {@code running}: already claimed. */
    public record OpenAssignment(UUID jobId, String packageId, boolean force, boolean running) {
    }

    /** What the clone states of itself at hello, kept for its clone state (ADR 0015). */
    public record Contact(String toolsVersion, long unsentChanges, java.time.Instant oldestUnsentAt) {
    }

    /**
     * Opens a session. With {@code nothingToPush} and nothing waiting for the clone on central,
     * the session is complete at once: no session is opened, the clone's last sync is recorded
     * and {@link Hello#upToDate()} is true (an idle sync costs one call and one transaction).
     */
    public Hello hello(String credential, String claimedId, String toolsVersion, List<Fingerprint> cloneTables,
            String cursor, boolean nothingToPush, Contact contact) throws Exception {
        try {
            return open(credential, claimedId, toolsVersion, cloneTables, cursor, nothingToPush, contact);
        } catch (ExchangeException e) {
            if (e.reason() == Reason.PRECONDITION || e.reason() == Reason.NOT_FOUND) {
                // A refused hello is a contact too: the clone is alive and said who it is (the
                // credential was checked before any of these refusals).
                recordContact(CloneAccess.credentialParts(credential)[0], contact);
                jobs.refused(CloneAccess.credentialParts(credential)[0], e); // an operator's request waiting fails
            }
            throw e;
        }
    }

    private void recordContact(String cloneId, Contact contact) {
        try {
            Db.query(pool, """
                    UPDATE lizsync.clone_state SET last_contact = now(), contact_tools_version = $2,
                        unsent_changes = $3, oldest_unsent_at = $4 WHERE clone_id = $1::uuid""", cloneId,
                    contact.toolsVersion(), contact.unsentChanges(), offset(contact.oldestUnsentAt()));
        } catch (RuntimeException e) {
            // the refusal is what the clone must learn; a contact not recorded is only a staler status
        }
    }

    private static java.time.OffsetDateTime offset(java.time.Instant t) {
        return t == null ? null : t.atOffset(java.time.ZoneOffset.UTC);
    }

    private Hello open(String credential, String claimedId, String toolsVersion, List<Fingerprint> cloneTables,
            String cursor, boolean nothingToPush, Contact contact) throws Exception {
        String[] credentialParts = CloneAccess.credentialParts(credential);
        String cloneId = credentialParts[0];
        if (!cloneId.equals(claimedId)) {
            // The credential is checked first: an unauthenticated caller learns nothing here.
            CloneAccess.checkCredential(credentialParts, Db.query(pool, ExchangeRepository.CREDENTIAL_QUERY, cloneId));
            throw new ExchangeException(Reason.PERMISSION_DENIED,
                    "clone " + cloneId + " cannot open a session as " + claimedId);
        }
        Long claimedTick = cursor == null || cursor.isBlank() ? null : parseTick(cursor);
        List<TableRef> claimedTables = new ArrayList<>();
        cloneTables.forEach(f -> claimedTables.add(f.table()));
        Opened opened = Db.inTransaction(pool, c -> {
            // One round trip for the usual case, statements pipelined in this order: the credential
            // (the read model of registry's clones, ADR 0013), the clone's state (locked), the shapes
            // of the tables the clone names and whether anything waits since the cursor it names;
            // both guesses are checked against the state.
            var credentialRows = Db.send(c, ExchangeRepository.CREDENTIAL_QUERY, cloneId);
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
            var pendingSinceClaimed = claimedTick == null ? null
                    : ExchangeRepository.sendPendingFor(c, cloneId, claimedTick);
            var syncJobRows = Db.send(c, io.lizsync.sync.central.syncjobs.service.SessionJobs.OPEN_JOBS, cloneId);
            var assignmentRows = Db.send(c, """
                    SELECT job_id, package_id::text, force, state = 'running' FROM lizsync.assignments
                    WHERE clone_id = $1::uuid AND state IN ('queued', 'running')""", cloneId);
            CloneAccess.checkCredential(credentialParts, Db.await(credentialRows));
            var rs = Db.await(stateRows);
            if (rs.size() == 0) {
                throw new ExchangeException(Reason.NOT_FOUND, "unknown clone " + cloneId);
            }
            Row state = rs.iterator().next();
            String centralId = state.getString(2);
            if (centralId == null) {
                throw new ExchangeException(Reason.PRECONDITION,
                        "central has no server id: run prepare with add server id first");
            }
            String centralVersion = state.getString(3);
            if (!Objects.equals(centralVersion, toolsVersion)) {
                throw new ExchangeException(Reason.PRECONDITION, "tools version differs: central has "
                        + centralVersion + ", clone has " + toolsVersion + "; upgrade or redeploy the clone");
            }
            List<TableRef> tables = new ArrayList<>();
            String[] schemas = state.getArrayOfStrings(4);
            String[] names = state.getArrayOfStrings(5);
            for (int i = 0; i < schemas.length; i++) {
                tables.add(new TableRef(schemas[i], names[i]));
            }
            Map<TableRef, Fingerprint> theirs = new HashMap<>();
            for (Fingerprint f : cloneTables) {
                theirs.put(f.table(), f);
            }
            List<Fingerprint> mine = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            Map<TableRef, Catalog.TableShape> shapes = Catalog.shapes(
                    claimedShapes == null ? null : Db.await(claimedShapes), claimedTables);
            if (!shapes.keySet().equals(new LinkedHashSet<>(tables))) {
                shapes = Catalog.shapes(c, tables); // the clone named other tables than central records
            }
            for (Catalog.TableShape shape : shapes.values()) {
                TableRef t = shape.table();
                mine.add(new Fingerprint(t, shape.fingerprint(), List.of()));
                Fingerprint f = theirs.get(t);
                if (!shape.exists()) {
                    problems.add("table " + t + " no longer exists on central");
                } else if (f == null) {
                    problems.add("table " + t + " is missing on the clone");
                } else if (!f.fingerprint().equals(shape.fingerprint())) {
                    problems.add("table " + t + " differs: "
                            + Catalog.difference("central", shape.descriptions(), "clone", f.columns()));
                }
            }
            if (!problems.isEmpty()) {
                throw new ExchangeException(Reason.PRECONDITION,
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
                pending = ExchangeRepository.pendingResult(Db.await(pendingSinceClaimed));
            } else {
                pending = tick != null && ExchangeRepository.pendingFor(c, cloneId, tick);
            }
            boolean upToDate = nothingToPush && !redeploy && tick != null && !pending;
            String session = upToDate ? null : UUID.randomUUID().toString();
            Db.query(c, """
                    UPDATE lizsync.clone_state SET session_id = $2::uuid, session_started = now(), session_tick_id = NULL,
                        session_clock_offset_ms = NULL, session_clock_uncertainty_ms = NULL,
                        last_tick_id = $3, redeploy_required = $4,
                        last_sync = CASE WHEN $5 THEN now() ELSE last_sync END,
                        last_contact = now(), contact_tools_version = $6, unsent_changes = $7, oldest_unsent_at = $8
                    WHERE clone_id = $1::uuid""", cloneId, session, tick, redeploy, upToDate, contact.toolsVersion(),
                    contact.unsentChanges(), offset(contact.oldestUnsentAt()));
            var assigned = Db.await(assignmentRows);
            OpenAssignment open = null;
            if (assigned.size() > 0) {
                Row a = assigned.iterator().next();
                open = new OpenAssignment(a.getUUID(0), a.getString(1), a.getBoolean(2), a.getBoolean(3));
            }
            // The session's job (ADR 0019), in this transaction: created, adopted from a request, or none.
            var job = jobs.hello(c, Db.await(syncJobRows), cloneId, session, upToDate, nothingToPush,
                    contact.unsentChanges(), open != null, redeploy);
            return new Opened(new Hello(session == null ? "" : session, centralId, centralVersion, mine, redeploy,
                    upToDate, open, job.jobId()), job.changed());
        });
        if (opened.jobsChanged()) {
            jobs.committed();
        }
        return opened.hello();
    }

    private record Opened(Hello hello, boolean jobsChanged) {
    }

    /** Records that the clone committed the pulled changes up to {@code position}; returns the history item. */
    public String acknowledge(String cloneId, String sessionId, String position, long applied) throws Exception {
        long tick = parseTick(position);
        String history = Db.inTransaction(pool, c -> {
            CloneState state = ExchangeRepository.lockClone(c, cloneId);
            ExchangeRepository.checkSession(state, sessionId);
            Long sessionTick = state.sessionTickId();
            if (sessionTick == null || sessionTick != tick) {
                throw new ExchangeException(Reason.PRECONDITION,
                        "acknowledged position " + tick + " is not the one this session pulled (" + sessionTick + ")");
            }
            String centralId = ExchangeRepository.centralId(c);
            Db.query(c, """
                    UPDATE lizsync.clone_state SET last_tick_id = $2, last_sync = now(), session_id = NULL,
                        session_tick_id = NULL, redeploy_required = false WHERE clone_id = $1::uuid""", cloneId, tick);
            Db.query(c, "DELETE FROM lizsync.resend_rows WHERE clone_id = $1::uuid", cloneId);
            jobs.acknowledged(c, sessionId, applied); // the session's job (ADR 0019) succeeded
            return Db.query(c, """
                    INSERT INTO lizsync.history (server_from, server_to, sync_type, sync_status, change_count, tick_id)
                    VALUES ($1::uuid, ARRAY[$2::uuid], 'partial', 'done', $3, $4) RETURNING sync_id::text""",
                    centralId, cloneId, applied, tick).iterator().next().getString(0);
        });
        jobs.committed();
        return history;
    }

    static long parseTick(String position) {
        try {
            return Long.parseLong(position);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("position: not a central position: '" + position + "'");
        }
    }
}
