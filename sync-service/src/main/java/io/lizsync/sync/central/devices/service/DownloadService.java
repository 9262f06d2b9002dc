package io.lizsync.sync.central.devices.service;

import io.lizsync.sync.central.devices.repository.DeviceRepository;
import io.lizsync.sync.central.devices.repository.LayerRepository;
import io.lizsync.sync.central.devices.repository.RowQueries;
import io.lizsync.sync.central.devices.service.DownloadTokens.Checkpoint;
import io.lizsync.sync.central.devices.service.DownloadTokens.Continuation;
import io.lizsync.sync.central.exchange.service.ExchangeException;
import io.lizsync.sync.db.Db;
import io.lizsync.sync.engine.TableRef;
import io.vertx.mutiny.sqlclient.Cursor;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.PreparedStatement;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Downloads of devices (ADR 0020): one page of an answer, read in one REPEATABLE READ transaction
 * whose snapshot is the answer's checkpoint, streamed in chunks from a cursor (central holds one
 * chunk at a time, whatever the page size).
 */
@ApplicationScoped
public class DownloadService {

    /** Rows per chunk of the stream (and per cursor fetch). */
    static final int CHUNK = 500;
    private static final Logger LOG = Logger.getLogger(DownloadService.class);
    private static final String NO_DEVICE = "00000000-0000-0000-0000-000000000000";

    private final Pool pool;
    /**
     * The last description seen of each layer, and its delta SQL: only to send a delta's first
     * read ahead, in the page's first round trip. Never trusted: the read is used only when the
     * description read in the answer's own snapshot gives the same SQL (ADR 0021). At most one
     * entry per synchronised table.
     */
    private final Map<TableRef, Known> known = new ConcurrentHashMap<>();

    private record Known(LayerShape layer, String delta) {
    }

    DownloadService(Pool pool) {
        this.pool = pool;
    }

    /** An area of interest as asked: a WKT, or a bounding box, and their SRID (0: the layer's). */
    public record AreaAsk(String wkt, double[] bbox, int srid) {
    }

    /** A download request, as the transport read it. */
    public record Ask(String deviceId, TableRef table, String structureVersion, AreaAsk area, int pageSize,
            String continuation, String confirm) {
    }

    /** A row (json null: a removal). */
    public record Item(String uid, String version, String json) {
    }

    /** What ends an answer's page: its checkpoint (null without a device), the continuation (null: last page). */
    public record End(boolean reset, String checkpoint, String continuation, String structureVersion) {
    }

    /** Opens one page; close the stream whichever way it ends. */
    public PageStream open(Ask ask) throws Exception {
        String device = ask.deviceId() == null || ask.deviceId().isEmpty() ? null : DownloadTokens.deviceId(ask.deviceId());
        int pageSize = DownloadPlan.pageSize(ask.pageSize());
        Checkpoint confirm = null;
        if (!ask.confirm().isEmpty()) {
            if (device == null) {
                throw new IllegalArgumentException("confirm_checkpoint needs the device_id it belongs to");
            }
            confirm = DownloadTokens.checkpoint(ask.confirm(), device, ask.table().schema(), ask.table().table());
        }
        String tokenDevice = device == null ? "" : device;
        Continuation next = ask.continuation().isEmpty() ? null
                : DownloadTokens.continuation(ask.continuation(), tokenDevice, ask.table().schema(), ask.table().table());
        try {
            return open(device, tokenDevice, ask, confirm, next, pageSize, true);
        } catch (AheadFailed e) {
            // The layer changed since it was last described (the read sent ahead failed, and its
            // transaction with it): the page again, without a read ahead.
            return open(device, tokenDevice, ask, confirm, next, pageSize, false);
        }
    }

    private PageStream open(String device, String tokenDevice, Ask ask, Checkpoint confirm, Continuation next,
            int pageSize, boolean ahead) {
        PageStream page = new PageStream(pageSize);
        try {
            page.open(device, tokenDevice, ask, confirm, next, ahead);
        } catch (RuntimeException | Error e) {
            page.close();
            throw e;
        }
        return page;
    }

    /** The read sent ahead failed (its SQL no longer fits the layer); the transaction is lost with it. */
    private static final class AheadFailed extends RuntimeException {
        AheadFailed(Throwable cause) {
            super(cause);
        }
    }

    /** Refuses a device's structure version, or a continuation's, that is not the layer's now. */
    private static void checkStructure(Ask ask, LayerShape layer, Continuation next) {
        if (!ask.structureVersion().isEmpty() && !ask.structureVersion().equals(layer.structureVersion())) {
            throw new ExchangeException(ExchangeException.Reason.PRECONDITION, "layer " + ask.table()
                    + " changed structure since the device described it: describe the layer again and download it"
                    + " again (structure version " + layer.structureVersion() + ")");
        }
        if (next != null && !next.checkpoint().structureVersion().equals(layer.structureVersion())) {
            throw new ExchangeException(ExchangeException.Reason.PRECONDITION, "layer " + ask.table()
                    + " changed structure during the download: describe the layer again and download it again");
        }
    }

    private static String area(SqlConnection c, AreaAsk ask, LayerShape layer) {
        if (ask == null) {
            return null;
        }
        if (layer.geometryColumn() == null) {
            throw new IllegalArgumentException("area: layer " + layer.table() + " has no geometry column");
        }
        int srid = ask.srid() == 0 ? layer.srid() : ask.srid();
        if (srid != layer.srid() && srid != 4326) {
            throw new IllegalArgumentException("area: SRID " + srid + " is neither the layer's (" + layer.srid()
                    + ") nor 4326");
        }
        if (ask.wkt() == null && (ask.bbox() == null || ask.bbox().length != 4)) {
            throw new IllegalArgumentException("area: a WKT polygon or a bounding box of 4 numbers (min x, min y,"
                    + " max x, max y)");
        }
        return DeviceRepository.area(c, ask.wkt(), ask.bbox(), srid, layer.srid());
    }

    /** The chunks of one page, read as they are consumed; the last one carries {@link #end()}. */
    public final class PageStream implements Iterator<List<Item>>, AutoCloseable {
        private final int pageSize;
        private LayerShape layer;
        private SqlConnection c;
        private boolean inTransaction;
        private PreparedStatement statement;
        private Cursor cursor;
        /** The first rows, read ahead (then there is no cursor). */
        private Iterable<Row> first;
        private Checkpoint checkpoint;
        private String from;
        private boolean reset;
        private boolean device;
        private long sent;
        private String lastUid;
        private boolean more;
        private boolean readOnce;
        private boolean done;
        private End end;

        PageStream(int pageSize) {
            this.pageSize = pageSize;
        }

        /**
         * One round trip to the database for what a page starts from, pipelined on one connection:
         * the echoed checkpoint's confirmation (a statement of its own, committed before the
         * read's snapshot is taken, so the read sees the position it set), the read-only REPEATABLE
         * READ transaction, the layer's description and the download's start (read in that
         * transaction's snapshot, the answer's checkpoint).
         */
        void open(String deviceId, String tokenDevice, Ask ask, Checkpoint confirm, Continuation next, boolean ahead) {
            device = deviceId != null;
            TableRef table = ask.table();
            phases = LOG.isDebugEnabled() ? new long[6] : null;
            mark(0);
            c = Db.await(pool.getConnection());
            mark(1);
            var confirmed = confirm == null ? null : DeviceRepository.sendConfirm(c, confirm);
            var began = Db.send(c, "START TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            inTransaction = true;
            var described = LayerRepository.sendDescribe(c, table);
            var started = DeviceRepository.sendStart(c, deviceId == null ? NO_DEVICE : deviceId, table);
            // A device echoing its checkpoint most likely gets a delta from it (nothing new, often):
            // its first read goes in the same round trip, with the SQL of the layer's last description.
            Known guess = ahead && confirm != null && next == null && ask.area() == null ? known.get(table) : null;
            CompletableFuture<io.vertx.mutiny.sqlclient.RowSet<Row>> aheadRead = guess == null ? null
                    : Db.send(c, guess.delta(), null, null, DownloadPlan.aheadLimit(pageSize, CHUNK),
                            confirm.snapshot(), deviceId, table.schema(), table.table());
            if (confirmed != null) {
                Db.await(confirmed);
            }
            Db.await(began);
            layer = LayerRepository.shape(table, Db.await(described));
            DeviceRepository.Start start = DeviceRepository.start(Db.await(started));
            io.vertx.mutiny.sqlclient.RowSet<Row> aheadRows = null;
            if (aheadRead != null) {
                try {
                    aheadRows = Db.await(aheadRead);
                } catch (RuntimeException e) {
                    known.remove(table);
                    throw new AheadFailed(e);
                }
            }
            mark(2);
            checkStructure(ask, layer, next);
            String area = area(c, ask.area(), layer);
            if (next != null && !java.util.Objects.equals(next.checkpoint().area(), area)) {
                throw new IllegalArgumentException("continuation_token: of an answer for another area; ask the same"
                        + " area until the answer's last page");
            }
            String after = null;
            if (next != null) {
                checkpoint = next.checkpoint();
                from = next.fromSnapshot();
                after = next.afterUid();
                if (from != null) {
                    DownloadPlan.checkRetention(DeviceRepository.xmin(c, from), start.prunedBelow());
                }
            } else {
                DownloadPlan.Position position = device ? start.position() : null;
                boolean truncated = position != null && start.truncated();
                try {
                    from = DownloadPlan.decide(position, area, start.prunedBelow(), truncated,
                            layer.structureVersion()) == DownloadPlan.Mode.DELTA ? position.snapshot() : null;
                } catch (ExchangeException e) {
                    DeviceRepository.dropPosition(pool, deviceId, table);
                    throw e;
                }
                checkpoint = new Checkpoint(tokenDevice, table.schema(), table.table(), start.snapshot(), area,
                        layer.structureVersion());
            }
            reset = from == null;
            Known now = guess != null && guess.layer().equals(layer) ? guess : null;
            String sql = reset ? RowQueries.reset(layer) : now != null ? now.delta() : RowQueries.delta(layer);
            if (!reset && now == null && next == null && ask.area() == null) {
                known.put(table, new Known(layer, sql));
            }
            if (aheadRows != null && !reset && now != null && from.equals(confirm.snapshot()) && after == null
                    && area == null && DownloadPlan.aheadServes(pageSize, CHUNK, aheadRows.size())) {
                first = aheadRows;
                mark(3);
                mark(4);
                return;
            }
            Object[] params = reset
                    ? new Object[] {area, after, pageSize + 1}
                    : new Object[] {area, after, pageSize + 1, from, deviceId, table.schema(), table.table()};
            mark(3);
            statement = Db.await(c.prepare(sql));
            cursor = statement.cursor(Tuple.from(params));
            mark(4);
        }

        /** Phase timings (DEBUG only): opened, connection, first round trip, plan and SQL, prepared, first read. */
        private long[] phases;

        private void mark(int phase) {
            if (phases != null) {
                phases[phase] = System.nanoTime();
            }
        }

        @Override
        public synchronized boolean hasNext() {
            return !done;
        }

        @Override
        public synchronized List<Item> next() {
            if (done || (cursor == null && first == null)) {
                throw new NoSuchElementException();
            }
            List<Item> chunk = new ArrayList<>(CHUNK);
            Iterable<Row> read = null;
            if (first != null) {
                read = first;
                first = null;
            } else if (!readOnce || cursor.hasMore()) {
                read = Db.await(cursor.read(CHUNK));
            }
            readOnce = true;
            if (read != null) {
                for (Row r : read) {
                    if (sent == pageSize) {
                        more = true;
                        break;
                    }
                    sent++;
                    lastUid = r.getString(0);
                    chunk.add(new Item(lastUid, r.getString(1), r.getString(2)));
                }
            }
            if (phases != null && phases[5] == 0) {
                mark(5);
                LOG.debugf("download %s%s on %s: connection %d us, confirm+begin+describe+start %d us, plan %d us,"
                        + " prepare %d us, first read %d us", reset ? "reset" : "delta", cursor == null ? " (read ahead)" : "", Thread.currentThread().getName(),
                        (phases[1] - phases[0]) / 1000, (phases[2] - phases[1]) / 1000, (phases[3] - phases[2]) / 1000,
                        (phases[4] - phases[3]) / 1000, (phases[5] - phases[4]) / 1000);
            }
            if (more || cursor == null || !cursor.hasMore()) {
                done = true;
                String continuation = more
                        ? DownloadTokens.encode(new Continuation(checkpoint, from, lastUid)) : null;
                end = new End(reset, device ? DownloadTokens.encode(checkpoint) : null, continuation,
                        layer.structureVersion());
                // the read ends when the stream does (close(), by the transport): the last chunk
                // goes out first
            }
            return chunk;
        }

        /** The page's end, once the last chunk was read. */
        public End end() {
            return end;
        }

        @Override
        public synchronized void close() {
            // A read-only transaction: ending it either way is the same; the connection goes back without one.
            Db.endRead(cursor, statement, c, inTransaction);
            cursor = null;
            statement = null;
            inTransaction = false;
            c = null;
        }
    }
}
