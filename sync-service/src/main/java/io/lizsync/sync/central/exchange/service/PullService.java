package io.lizsync.sync.central.exchange.service;

import io.lizsync.sync.central.exchange.repository.ExchangeRepository;
import io.lizsync.sync.central.exchange.repository.ExchangeRepository.CloneState;
import io.lizsync.sync.db.ChangeLog;
import io.lizsync.sync.db.Db;
import io.lizsync.sync.engine.Collapser;
import io.lizsync.sync.engine.NetChange;
import io.lizsync.sync.engine.Routing;
import io.lizsync.sync.engine.TableRef;
import io.vertx.mutiny.sqlclient.Cursor;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.PreparedStatement;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.jboss.logging.Logger;

/**
 * Pulls: what central holds for a clone since its cursor, streamed. A short transaction fixes the
 * pull's end (a new tick, kept as the session's position); a read-only transaction then reads the
 * log rows between the clone's tick and that one, grouped by row in replay order, folding one row
 * at a time while the stream is consumed. Central's memory does not grow with the pull.
 */
@ApplicationScoped
public class PullService {

    private static final Logger LOG = Logger.getLogger(PullService.class);
    /** Log rows read per cursor fetch. */
    private static final int CHUNK = 2000;

    private final Pool pool;
    private final io.lizsync.sync.central.syncjobs.service.SessionJobs jobs;

    PullService(Pool pool, io.lizsync.sync.central.syncjobs.service.SessionJobs jobs) {
        this.pool = pool;
        this.jobs = jobs;
    }

    /** The log rows of a pull: between the clone's tick ($1) and the pull's ($2), of the clone's ($3) tables. */
    private static final String PULL_FROM = "audit.logged_actions l, lizsync.ticks o, lizsync.ticks n";
    private static final String PULL_WHERE = """
            o.tick_id = $1 AND n.tick_id = $2 AND l.action <> 'T'
              AND l.transaction_id >= pg_snapshot_xmin(o.tick_snapshot)
              AND NOT pg_visible_in_snapshot(l.transaction_id, o.tick_snapshot)
              AND pg_visible_in_snapshot(l.transaction_id, n.tick_snapshot)
              AND EXISTS (SELECT 1 FROM lizsync.synchronized_tables s WHERE s.server_id = $3::uuid
                          AND s.schema_name = l.schema_name AND s.table_name = l.table_name)""";

    /** Starts a pull of the clone's open session. Close the stream when done, whichever way. */
    public PullStream open(String cloneId, String sessionId) throws Exception {
        long t0 = System.nanoTime();
        // A safe point: a cancelled job stops the session before its pull (ABORTED; the cursor stays).
        jobs.beforePull(sessionId);
        record Start(String centralId, long from, long to, List<NetChange> resend, List<TableRef> tables,
                long echoHorizon) {
        }
        Start start = Db.inTransaction(pool, c -> {
            CloneState state = ExchangeRepository.lockClone(c, cloneId);
            ExchangeRepository.checkSession(state, sessionId);
            String centralId = ExchangeRepository.centralId(c);
            long tick = ExchangeRepository.newTick(c);
            Db.query(c, "UPDATE lizsync.clone_state SET session_tick_id = $2 WHERE clone_id = $1::uuid", cloneId, tick);
            return new Start(centralId, state.lastTickId(), tick, resendRows(c, cloneId, centralId),
                    ExchangeRepository.cloneTables(c, cloneId), state.echoHorizon());
        });
        // The clone's own changes up to its echo horizon were sent by an earlier incarnation: not echoes.
        PullStream stream = new PullStream(new Routing.Destination(cloneId, new java.util.HashSet<>(start.tables()),
                start.echoHorizon()), start.centralId(), start.to(), start.resend(), t0, sessionId);
        try {
            stream.open(start.from());
        } catch (RuntimeException e) {
            stream.close();
            throw e;
        }
        return stream;
    }

    /** Rows central must send whole to the clone (its delete lost to an update): few, read at once. */
    private static List<NetChange> resendRows(SqlConnection c, String cloneId, String centralId) {
        List<NetChange> out = new ArrayList<>();
        for (Row k : Db.rows(Db.query(c, "SELECT schema_name, table_name, uid::text FROM lizsync.resend_rows "
                + "WHERE clone_id = $1::uuid", cloneId))) {
            TableRef t = new TableRef(k.getString(0), k.getString(1));
            var rs = Db.query(c, "SELECT akeys(h), avals(h) FROM (SELECT (OPERATOR(audit.#@) lizsync_row) AS h FROM "
                    + t.quoted() + " lizsync_row WHERE uid = $1::uuid) s", k.getString(2));
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

    /** The net changes of one pull, in replay order, read as they are consumed. */
    public final class PullStream implements Iterator<NetChange>, AutoCloseable {
        private final String cloneId;
        private final long echoHorizon;
        private final String centralId;
        private final long tickId;
        private final Deque<NetChange> resend;
        private final long started;
        private final Collapser.RowByRow folder;
        private final Map<TableRef, TableRef> tables = new HashMap<>();
        private final Deque<NetChange> ready = new ArrayDeque<>();
        private SqlConnection c;
        private Transaction tx;
        private PreparedStatement statement;
        private Cursor cursor;
        private boolean exhausted;
        private boolean readOnce;
        private long events;
        private long changes;
        private final String sessionId;
        private final io.lizsync.sync.central.syncjobs.service.SessionJobs.Tracker progress;

        PullStream(Routing.Destination to, String centralId, long tickId, List<NetChange> resend, long started,
                String sessionId) {
            this.sessionId = sessionId;
            this.progress = jobs.track(sessionId);
            this.cloneId = to.nodeId();
            this.echoHorizon = to.echoHorizon();
            this.centralId = centralId;
            this.tickId = tickId;
            this.resend = new ArrayDeque<>(resend);
            this.started = started;
            this.folder = new Collapser.RowByRow(to);
        }

        /** Central's position after this pull (the session's tick). */
        public long tickId() {
            return tickId;
        }

        void open(long fromTick) {
            c = Db.await(pool.getConnection());
            tx = Db.await(c.begin());
            Db.execute(c, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            // The job's total (ADR 0019): the log rows this pull reads, counted in its own snapshot.
            long total = Db.query(c, "SELECT count(*) FROM " + PULL_FROM + " WHERE " + PULL_WHERE, fromTick, tickId,
                    cloneId).iterator().next().getLong(0);
            jobs.pullStarts(sessionId, total + resend.size());
            statement = Db.await(c.prepare(ChangeLog.groupedByRow(ChangeLog.PULL_COLUMNS, PULL_FROM, PULL_WHERE,
                    "$3::text", "$4::bigint")));
            cursor = statement.cursor(Tuple.of(fromTick, tickId, cloneId, echoHorizon));
        }

        @Override
        public synchronized boolean hasNext() {
            while (ready.isEmpty() && !exhausted) {
                fill();
            }
            return !ready.isEmpty();
        }

        @Override
        public synchronized NetChange next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            changes++;
            return ready.poll();
        }

        private void fill() {
            if (readOnce && !cursor.hasMore()) {
                NetChange last = folder.finish();
                if (last != null) {
                    ready.add(last);
                }
                ready.addAll(resend); // no update came after the inserts: the rows to resend go last
                resend.clear();
                exhausted = true;
                jobs.pullSent(sessionId);
                LOG.infof("pull of clone %s: %d event(s) -> %d change(s), tick %d; %d ms", cloneId, events,
                        changes + ready.size(), tickId, (System.nanoTime() - started) / 1_000_000);
                return;
            }
            readOnce = true;
            for (Row r : Db.await(cursor.read(CHUNK))) {
                events++;
                if (!resend.isEmpty() && r.getInteger(13) > 0) {
                    // Past the inserts: rows to resend whole come before the updates and deletes.
                    NetChange done = folder.finish();
                    if (done != null) {
                        ready.add(done);
                    }
                    ready.addAll(resend);
                    resend.clear();
                }
                NetChange done = folder.add(ChangeLog.toChange(r, centralId, tables));
                if (done != null) {
                    ready.add(done);
                }
            }
            progress.pulled(events);
        }

        /**
         * The stream ended: a failure, or a clone that broke it off before its end, fails the
         * session's job (the cursor did not move: nothing counts before the acknowledgement); then
         * the read ends ({@link #close()}).
         */
        public void end(Throwable failure, boolean brokenOff) {
            try {
                if (failure != null || brokenOff) {
                    jobs.failed(sessionId, failure, "pull");
                }
            } finally {
                close();
            }
        }

        /** Ends the read (rolls back the read-only transaction, returns the connection). */
        @Override
        public synchronized void close() {
            Db.endRead(cursor, statement, tx, c);
            cursor = null;
            statement = null;
            tx = null;
            c = null;
        }
    }
}
