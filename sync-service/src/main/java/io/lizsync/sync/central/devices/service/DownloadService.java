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
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Downloads of devices (ADR 0020): one page of an answer, read in one REPEATABLE READ transaction
 * whose snapshot is the answer's checkpoint, streamed in chunks from a cursor (central holds one
 * chunk at a time, whatever the page size).
 */
@ApplicationScoped
public class DownloadService {

    /** Rows per chunk of the stream (and per cursor fetch). */
    static final int CHUNK = 500;
    private static final String NO_DEVICE = "00000000-0000-0000-0000-000000000000";

    private final Pool pool;

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
        LayerShape layer = LayerRepository.describe(pool, ask.table());
        if (!ask.structureVersion().isEmpty() && !ask.structureVersion().equals(layer.structureVersion())) {
            throw new ExchangeException(ExchangeException.Reason.PRECONDITION, "layer " + ask.table()
                    + " changed structure since the device described it: describe the layer again and download it"
                    + " again (structure version " + layer.structureVersion() + ")");
        }
        String area = area(ask.area(), layer);
        if (!ask.confirm().isEmpty()) {
            if (device == null) {
                throw new IllegalArgumentException("confirm_checkpoint needs the device_id it belongs to");
            }
            Checkpoint k = DownloadTokens.checkpoint(ask.confirm(), device, ask.table().schema(), ask.table().table());
            Db.inTransaction(pool, c -> {
                DeviceRepository.confirm(c, k);
                return null;
            });
        }
        String tokenDevice = device == null ? "" : device;
        Continuation next = ask.continuation().isEmpty() ? null
                : DownloadTokens.continuation(ask.continuation(), tokenDevice, ask.table().schema(), ask.table().table());
        if (next != null && !java.util.Objects.equals(next.checkpoint().area(), area)) {
            throw new IllegalArgumentException("continuation_token: of an answer for another area; ask the same"
                    + " area until the answer's last page");
        }
        if (next != null && !next.checkpoint().structureVersion().equals(layer.structureVersion())) {
            throw new ExchangeException(ExchangeException.Reason.PRECONDITION, "layer " + ask.table()
                    + " changed structure during the download: describe the layer again and download it again");
        }
        PageStream page = new PageStream(layer, pageSize);
        try {
            page.open(device, tokenDevice, area, next);
        } catch (RuntimeException e) {
            page.close();
            throw e;
        }
        return page;
    }

    private String area(AreaAsk ask, LayerShape layer) {
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
        return DeviceRepository.area(pool, ask.wkt(), ask.bbox(), srid, layer.srid());
    }

    /** The chunks of one page, read as they are consumed; the last one carries {@link #end()}. */
    public final class PageStream implements Iterator<List<Item>>, AutoCloseable {
        private final LayerShape layer;
        private final int pageSize;
        private SqlConnection c;
        private Transaction tx;
        private PreparedStatement statement;
        private Cursor cursor;
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

        PageStream(LayerShape layer, int pageSize) {
            this.layer = layer;
            this.pageSize = pageSize;
        }

        void open(String deviceId, String tokenDevice, String area, Continuation next) {
            device = deviceId != null;
            TableRef table = layer.table();
            c = Db.await(pool.getConnection());
            tx = Db.await(c.begin());
            Db.execute(c, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            DeviceRepository.Start start = DeviceRepository.start(c, deviceId == null ? NO_DEVICE : deviceId, table);
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
            String sql = reset ? RowQueries.reset(layer) : RowQueries.delta(layer);
            Object[] params = reset
                    ? new Object[] {area, after, pageSize + 1}
                    : new Object[] {area, after, pageSize + 1, from, deviceId, table.schema(), table.table()};
            statement = Db.await(c.prepare(sql));
            cursor = statement.cursor(Tuple.from(params));
        }

        @Override
        public synchronized boolean hasNext() {
            return !done;
        }

        @Override
        public synchronized List<Item> next() {
            if (done || cursor == null) {
                throw new NoSuchElementException();
            }
            List<Item> chunk = new ArrayList<>(CHUNK);
            if (!readOnce || cursor.hasMore()) {
                readOnce = true;
                for (Row r : Db.await(cursor.read(CHUNK))) {
                    if (sent == pageSize) {
                        more = true;
                        break;
                    }
                    sent++;
                    lastUid = r.getString(0);
                    chunk.add(new Item(lastUid, r.getString(1), r.getString(2)));
                }
            }
            if (more || !cursor.hasMore()) {
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
            Db.endRead(cursor, statement, tx, c);
            cursor = null;
            statement = null;
            tx = null;
            c = null;
        }
    }
}
