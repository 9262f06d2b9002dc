package io.lizsync.sync.central.exchange.service;

import io.lizsync.sync.central.exchange.repository.ExchangeRepository;
import io.lizsync.sync.central.exchange.repository.ExchangeRepository.CloneState;
import io.lizsync.sync.central.exchange.service.ExchangeException.Reason;
import io.lizsync.sync.central.syncjobs.service.SessionJobs;
import io.lizsync.sync.db.ChangeWriter;
import io.lizsync.sync.db.Db;
import io.lizsync.sync.engine.Collapser;
import io.lizsync.sync.engine.ConflictPolicy;
import io.lizsync.sync.engine.ConflictResolver;
import io.lizsync.sync.engine.NetChange;
import io.lizsync.sync.engine.Routing;
import io.lizsync.sync.engine.TableRef;
import io.vertx.core.json.Json;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * One push, applied batch by batch as it arrives, in one central transaction: the clone sends its
 * net changes (each row once, in replay order), so each batch is resolved against central's
 * pending changes of the same rows and applied at once. Central holds one batch at a time,
 * whatever the push holds. Nothing is committed before the clone completes the stream; a
 * stream that breaks off rolls everything back ({@link #abort()}).
 */
public final class PushApplier {

    private static final Logger LOG = Logger.getLogger(PushApplier.class);

    private final Pool pool;
    private final String cloneId;
    private SqlConnection c;
    private Transaction tx;
    private String sessionId;
    private String pushId;
    private CloneState state;
    private long[] earlier;
    private String centralId;
    private String syncId;
    private Duration shift;
    private Duration uncertainty;
    private Set<TableRef> allowed;
    private Map<TableRef, ConflictPolicy> policies;
    private ChangeWriter writer;
    private ExchangeRepository.PendingWindow window;
    private PendingScope scope;
    private long batches;
    private long received;
    private long conflicts;
    private long pendingConflicts;
    private Long firstEvent;
    private Long lastEvent;
    private long resolveNanos;
    private long waitNanos;
    private long readNanos;
    private long started;
    private boolean ended;

    private final Duration faultPause;
    /** The session's job (ADR 0019): progress, and the cancellation's safe point at each batch. */
    private final SessionJobs jobs;
    private SessionJobs.Tracker progress;

    PushApplier(Pool pool, String cloneId, Duration faultPause, SessionJobs jobs) {
        this.pool = pool;
        this.cloneId = cloneId;
        this.faultPause = faultPause;
        this.jobs = jobs;
    }

    /** What a push did. */
    public record Outcome(long applied, long duplicates, long conflicts, long pendingConflicts, boolean pullNeeded,
            Long position) {
    }

    /** Applies the next batch of net changes (times on the clone's clock, writer the clone); returns batches so far. */
    public synchronized long add(String session, String push, List<NetChange> changes) throws Exception {
        if (ended) {
            throw new IllegalStateException("the push has ended");
        }
        if (c == null) {
            open(session, push);
        } else if (!session.equals(sessionId) || !push.equals(pushId)) {
            throw new IllegalArgumentException("all batches of a push carry the same session and push id");
        }
        batches++;
        received += changes.size();
        if (earlier != null || changes.isEmpty()) {
            return batches;
        }
        long t0 = System.nanoTime();
        List<NetChange> batch = new ArrayList<>(changes.size());
        Set<String> uids = new HashSet<>();
        Map<TableRef, List<String>> uidsByTable = new LinkedHashMap<>();
        for (NetChange n : changes) {
            if (!allowed.contains(n.table())) {
                throw new ExchangeException(Reason.PERMISSION_DENIED,
                        "clone " + cloneId + " does not synchronise table " + n.table() + "; nothing was applied");
            }
            if (!uids.add(n.uid())) {
                throw new IllegalArgumentException("row " + n.uid() + " of " + n.table()
                        + " appears twice in one push: a push carries each row's net change once");
            }
            uidsByTable.computeIfAbsent(n.table(), t -> new ArrayList<>()).add(n.uid());
            batch.add(n.shifted(shift));
            firstEvent = firstEvent == null ? n.firstEventId() : Math.min(firstEvent, n.firstEventId());
            lastEvent = lastEvent == null ? n.lastEventId() : Math.max(lastEvent, n.lastEventId());
        }
        // The previous batch's statements run while this batch arrived; they end before the read
        // of central's pending changes (same connection), timed apart from it.
        long tWait = System.nanoTime();
        writer.drain();
        long tRead = System.nanoTime();
        waitNanos += tRead - tWait;
        // Central's side: everything but what the clone sent itself, unless an earlier incarnation of
        // it sent it (up to its echo horizon): a redeployed clone never saw that (ADR 0015).
        List<NetChange> centralNet = Collapser.collapseFor(
                ExchangeRepository.pendingOf(c, window, scope, uidsByTable, centralId),
                new Routing.Destination(cloneId, null, state.echoHorizon()));
        readNanos += System.nanoTime() - tRead;
        var resolution = ConflictResolver.resolve(batch, centralNet, policies::get, uncertainty);
        resolveNanos += System.nanoTime() - t0;
        resolution.toApply().forEach(writer::apply);
        pendingConflicts += ExchangeRepository.recordDecisions(c, cloneId, resolution.decisions(),
                uncertainty.toMillis());
        conflicts += resolution.decisions().size();
        ExchangeRepository.recordResend(c, cloneId, new ArrayList<>(resolution.resendRows()));
        // Sent now, awaited at the next batch: this batch's statements run while the next one
        // arrives and is decoded. Left queued, the writer's groups filled up to 5 000 rows across
        // batches, so the last of them (up to 5 000 rows) ran only once the stream had ended,
        // with nothing to overlap it (ADR 0008, "Pipelined per batch").
        // (After the decisions' statements: a failed replay is reported by the next drain, not
        // masked by a later statement of the aborted transaction.)
        writer.flush();
        // A safe point: a cancelled job stops the push here (ABORTED), and abort() rolls it back whole.
        progress.pushed(received);
        if (faultPause != null && batches == 1) {
            LOG.warnf("fault injection: pausing in push %s of clone %s for %d ms after its first batch", pushId,
                    cloneId, faultPause.toMillis());
            Thread.sleep(faultPause.toMillis());
        }
        return batches;
    }

    private void open(String session, String push) {
        started = System.nanoTime();
        sessionId = session;
        pushId = CloneAccess.parseUuid(push, "push_id");
        c = Db.await(pool.getConnection());
        tx = Db.await(c.begin());
        state = ExchangeRepository.lockClone(c, cloneId);
        ExchangeRepository.checkSession(state, sessionId);
        earlier = ExchangeRepository.receivedPush(c, pushId);
        if (earlier != null) {
            return;
        }
        if (state.sessionOffsetMs() == null) {
            throw new ExchangeException(Reason.PRECONDITION, "central has not measured the clock of clone " + cloneId
                    + " in this session: a push follows MeasureClock (is the sidecar older than tools version 6?)");
        }
        shift = Duration.ofMillis(state.sessionOffsetMs());
        uncertainty = Duration.ofMillis(state.sessionUncertaintyMs() == null ? 0 : state.sessionUncertaintyMs());
        allowed = new HashSet<>(ExchangeRepository.cloneTables(c, cloneId));
        centralId = ExchangeRepository.centralId(c);
        policies = ExchangeRepository.policies(c);
        window = ExchangeRepository.pendingWindow(c, state.lastTickId());
        long tLook = System.nanoTime();
        var look = ExchangeRepository.openLook(c, window);
        scope = PendingScope.of(Long.parseLong(window.xmin()), Long.parseLong(window.self()), look.xmax(),
                look.running(), look.committed());
        readNanos += System.nanoTime() - tLook;
        resolveNanos += System.nanoTime() - tLook;
        syncId = UUID.randomUUID().toString();
        progress = jobs.track(sessionId);
        // The replayed rows are logged by the writer's own statements, with the clone as origin.
        writer = ChangeWriter.logging(c, Json.encode(Map.of("origin", cloneId, "sync_id", syncId)));
    }

    /** The clone completed the stream: records the push and commits. */
    public synchronized Outcome finish() throws Exception {
        if (c == null) {
            throw new IllegalArgumentException("a push needs at least one batch");
        }
        ended = true;
        try {
            if (earlier != null) {
                LOG.infof("push %s of clone %s was already applied: answered, not applied again", pushId, cloneId);
                Db.await(tx.rollback());
                tx = null;
                return new Outcome(earlier[0], received, earlier[1], 0, true, null);
            }
            long tEnd = System.nanoTime();
            long applied = writer.finish();
            long tApplied = System.nanoTime();
            ExchangeRepository.recordPush(c, pushId, syncId, cloneId, centralId, received, applied, conflicts,
                    firstEvent, lastEvent, shift.toMillis(), uncertainty.toMillis());
            // The tick first, the check after: whatever is visible in the tick's snapshot is also
            // visible to the check's later statement snapshot, so nothing can slip between them.
            long nextTick = ExchangeRepository.newTickPastSelf(c);
            boolean pullNeeded = ExchangeRepository.pendingFor(c, cloneId, state.lastTickId());
            if (pullNeeded) {
                ExchangeRepository.dropTick(c, nextTick);
            } else {
                // Nothing for the clone but its own changes: this push completes the session and
                // moves its cursor past them (no pull, no acknowledge).
                ExchangeRepository.completeSessionAt(c, cloneId, nextTick);
            }
            jobs.pushCommits(c, sessionId, received, applied, conflicts, pullNeeded);
            Db.await(tx.commit());
            tx = null;
            jobs.committed();
            LOG.infof("push %s of clone %s: %d change(s) in %d batch(es), %d applied, %d conflict(s), pull %s, "
                    + "offset %d ms +- %d; %d ms in all (waiting for replay statements %d ms, reading central's "
                    + "pending changes %d ms, resolving %d ms, the last batch's replay after the stream ended %d ms, last "
                    + "statements and commit %d ms; the pending read looked at %d listed transaction(s) and from %d up, "
                    + "the clone's tick's xmin %s, the push's transaction %s)",
                    pushId, cloneId, received, batches, applied, conflicts, pullNeeded ? "needed" : "not needed",
                    shift.toMillis(), uncertainty.toMillis(), (System.nanoTime() - started) / 1_000_000,
                    waitNanos / 1_000_000, readNanos / 1_000_000, (resolveNanos - waitNanos - readNanos) / 1_000_000,
                    (tApplied - tEnd) / 1_000_000, (System.nanoTime() - tApplied) / 1_000_000,
                    scope.committed().length, scope.from(), window.xmin(), window.self());
            return new Outcome(applied, 0, conflicts, pendingConflicts, pullNeeded, pullNeeded ? null : nextTick);
        } finally {
            release();
        }
    }

    /**
     * The stream broke off ({@code failure} null) or failed: nothing of the push stays, and the
     * session's job fails with the reason (unless a cancellation already ended it).
     */
    public synchronized void abort(Throwable failure) {
        ended = true;
        release();
        jobs.failed(sessionId, failure, "push");
    }

    private void release() {
        Db.abandon(tx, c);
        tx = null;
        c = null;
    }
}
