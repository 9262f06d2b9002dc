package io.lizsync.sync.central.devices.service;

import io.lizsync.sync.central.devices.repository.LayerRepository;
import io.lizsync.sync.central.devices.repository.UploadRepository;
import io.lizsync.sync.central.devices.service.EditParser.Edit;
import io.lizsync.sync.central.devices.service.EditParser.RawEdit;
import io.lizsync.sync.central.exchange.repository.ExchangeRepository;
import io.lizsync.sync.central.exchange.service.ExchangeException;
import io.lizsync.sync.db.Catalog;
import io.lizsync.sync.db.ChangeWriter;
import io.lizsync.sync.db.Db;
import io.lizsync.sync.engine.Collapser;
import io.lizsync.sync.engine.ConflictResolver;
import io.lizsync.sync.engine.NetChange;
import io.lizsync.sync.engine.Routing;
import io.lizsync.sync.engine.TableRef;
import io.vertx.core.json.Json;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Uploads of devices (ADR 0020): one import per request, in one transaction. The request id is
 * recorded first (a retry gets the stored answer); the edits are checked against the layer
 * (nothing is written when one is invalid); they enter central's log with the device as origin
 * and the import as sync id, like a clone's push, so clones receive them and conflicts are
 * decided and recorded as for clones. Round trips are what an upload costs on a loaded machine
 * (each one a wake-up of two processes): the statements that do not depend on each other are
 * sent together, so an upload without conflicts makes two (the layer's description with the
 * receipt, checks and reads, against the shape last seen; the writes, the import, the rows read
 * back with the stored answer, and the COMMIT), three when the layer is new to this process or
 * changed.
 */
@ApplicationScoped
public class UploadService {

    private static final Logger LOG = Logger.getLogger(UploadService.class);

    private final Pool pool;
    private final DeviceUploadConfig config;
    private final UploadRetention retention;
    /** The shape of each layer last described: assumed by the next upload, which checks it (ADR 0020). */
    private final Map<TableRef, LayerShape> known = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int KNOWN_LAYERS = 1000;

    UploadService(Pool pool, DeviceUploadConfig config) {
        this.pool = pool;
        this.config = config;
        this.retention = new UploadRetention(config.pruneInterval());
    }

    /** An upload as the transport read it. */
    public record Ask(String deviceId, TableRef table, String requestId, String structureVersion, int geometrySrid,
            List<RawEdit> edits) {
    }

    /** One edit's result: its outcome and the row as central now holds it (nulls when it does not exist). */
    public record Result(UploadRules.Outcome outcome, String keyJson, String version, String rowJson) {
    }

    /** The answer, stored for retries. */
    public record Answer(String importId, List<Result> results, boolean replayed) {
    }

    public Answer upload(Ask ask) throws Exception {
        long started = System.nanoTime();
        String device = DownloadTokens.deviceId(ask.deviceId());
        if (ask.requestId().isBlank() || ask.requestId().length() > 200) {
            throw new IllegalArgumentException("request_id (the Idempotency-Key) is required, at most 200 characters");
        }
        SqlConnection c = Db.await(pool.getConnection());
        try {
            Answer answer = null;
            for (int attempt = 1; answer == null; attempt++) {
                try {
                    answer = upload(c, ask, device);
                } catch (RuntimeException e) {
                    String state = sqlState(e);
                    if (!UploadRules.madeAgain(state, attempt)) {
                        throw e;
                    }
                    LOG.infof("an upload of device %s to %s lost a race to a concurrent transaction (SQLSTATE %s):"
                            + " made again (attempt %d)", device, ask.table(), state, attempt + 1);
                }
            }
            LOG.infof("upload %s of device %s to %s: %d edit(s)%s in %d ms", answer.importId(), device, ask.table(),
                    ask.edits().size(), answer.replayed() ? ", a retry: the first answer" : "",
                    (System.nanoTime() - started) / 1_000_000);
            return answer;
        } finally {
            Db.abandon(null, c);
        }
    }

    /** The SQLSTATE of the database error behind {@code e}, if any. */
    private static String sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof io.vertx.pgclient.PgException pg) {
                return pg.getSqlState();
            }
        }
        return null;
    }

    /**
     * The upload on one connection. The layer's shape last seen is assumed and its description
     * sent with the transaction's first statements (one round trip fewer); when the description
     * differs (the layer changed, or this is the first upload to it), that attempt is rolled
     * back and the upload made again with the shape just read. An upload the assumed shape
     * refuses is made again with a fresh one too: a refusal always comes from the current shape.
     */
    private Answer upload(SqlConnection c, Ask ask, String device) throws Exception {
        LayerShape assumed = known.get(ask.table());
        Prepared ready = assumed == null ? null : prepareQuietly(assumed, ask);
        if (ready != null) {
            Answer answer = transaction(c, ask, device, ready, LayerRepository.sendDescribe(c, ask.table()));
            if (answer != null) {
                return answer;
            }
        }
        LayerShape layer = LayerRepository.describe(c, ask.table());
        remember(layer);
        return transaction(c, ask, device, prepare(layer, ask), null);
    }

    /** An upload checked against a layer's shape, before any statement. */
    private record Prepared(LayerShape layer, int srid, List<Edit> edits, UploadChecks checks) {
    }

    private static Prepared prepare(LayerShape layer, Ask ask) {
        if (!ask.structureVersion().isEmpty() && !ask.structureVersion().equals(layer.structureVersion())) {
            throw new ExchangeException(ExchangeException.Reason.PRECONDITION, "layer " + ask.table()
                    + " changed structure since the device described it: describe the layer again and download it"
                    + " again (structure version " + layer.structureVersion() + ")");
        }
        int srid = ask.geometrySrid() == 0 ? layer.srid() : ask.geometrySrid();
        if (srid != layer.srid() && srid != 4326) {
            throw new IllegalArgumentException("geometry_srid " + srid + " is neither the layer's (" + layer.srid()
                    + ") nor 4326");
        }
        List<Edit> edits = EditParser.parse(layer, ask.edits());
        return new Prepared(layer, srid, edits, UploadChecks.of(layer, edits));
    }

    /** {@link #prepare} against an assumed shape; null when it refuses (the current shape decides). */
    private static Prepared prepareQuietly(LayerShape assumed, Ask ask) {
        try {
            return prepare(assumed, ask);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void remember(LayerShape layer) {
        if (known.size() >= KNOWN_LAYERS) {
            known.clear();
        }
        known.put(layer.table(), layer);
    }

    /**
     * The upload's transaction. With {@code described} (the layer's description, sent just before),
     * the prepared shape was assumed: null is answered, and nothing kept, when the description
     * differs from it.
     */
    private Answer transaction(SqlConnection c, Ask ask, String device, Prepared p,
            java.util.concurrent.CompletableFuture<io.vertx.mutiny.sqlclient.RowSet<io.vertx.mutiny.sqlclient.Row>> described)
            throws Exception {
        LayerShape layer = p.layer();
        List<Edit> edits = p.edits();
        UploadChecks checks = p.checks();
        String hash = hash(device, ask);
        String importId = UUID.randomUUID().toString();
        Transaction tx = null;
        long t0 = System.nanoTime();
        try {
            // Pruning runs before the transaction, by itself: the upload never waits on old answers' locks.
            var pruned = retention.claim(Instant.now()) ? UploadRepository.sendPrune(c, config.retention()) : null;
            var begun = c.begin().subscribeAsCompletionStage();
            var received = UploadRepository.sendReceive(c, device, ask.requestId(), importId, hash);
            var context = UploadRepository.sendContext(c, device, layer.table());
            var geometries = checks.sendGeometries(c, p.srid());
            var values = checks.sendValues(c);
            List<String> named = edits.stream().map(Edit::uid).filter(java.util.Objects::nonNull).toList();
            var locked = named.isEmpty() ? null : UploadRepository.sendLockVersions(c, layer, named);
            var shapes = Catalog.sendShapes(c, List.of(layer.table()));
            if (described != null && !layer.equals(current(layer.table(), described))) {
                known.remove(layer.table());
                prune(pruned);
                awaitQuietly(received, context, geometries, values, locked, shapes);
                tx = Db.await(begun);
                return null;
            }
            prune(pruned);
            tx = Db.await(begun);
            var receipt = UploadRepository.receive(c, Db.await(received), device, ask.requestId());
            if (receipt.earlier() != null) {
                awaitQuietly(context, geometries, values, locked, shapes);
                Answer replayed = replay(receipt.earlier(), hash, ask.requestId());
                Db.await(tx.commit());
                tx = null;
                return replayed;
            }
            var where = UploadRepository.context(Db.await(context));
            List<Edit> ready = checks.converted(geometries == null ? null : Db.await(geometries),
                    values == null ? null : Db.await(values));
            Map<String, String> versions = locked == null ? Map.of() : UploadRepository.versions(Db.await(locked));
            var shape = Catalog.shapes(Db.await(shapes), List.of(layer.table()));
            long read = System.nanoTime();
            Sent sent = apply(c, layer, device, ask.requestId(), importId, ready, receipt.receivedAt(), where, versions,
                    shape);
            // The COMMIT rides behind the writes and the stored answer: an upload's last round trip.
            var committed = tx.commit().subscribeAsCompletionStage();
            tx = null;
            long written = System.nanoTime();
            try {
                Answer answer = sent.await();
                Db.await(committed);
                if (LOG.isDebugEnabled()) {
                    long done = System.nanoTime();
                    LOG.debugf("upload %s phases (µs): checks and reads (1st round trip) %d, plan and send %d,"
                            + " writes, answer and commit (2nd round trip) %d", importId, (read - t0) / 1000,
                            (written - read) / 1000, (done - written) / 1000);
                }
                return answer;
            } catch (RuntimeException e) {
                // A statement failed: the COMMIT of the failed transaction rolls it back (nothing kept).
                awaitQuietly(committed);
                throw e;
            }
        } finally {
            if (tx != null) {
                try {
                    Db.await(tx.rollback());
                } catch (RuntimeException ignored) {
                    // The connection may be gone; the transaction dies with it.
                }
            }
        }
    }

    /** The layer's shape as described now; null when the description failed (the fresh path reports it). */
    private static LayerShape current(TableRef table,
            java.util.concurrent.CompletableFuture<io.vertx.mutiny.sqlclient.RowSet<io.vertx.mutiny.sqlclient.Row>> described) {
        try {
            return LayerRepository.shape(table, Db.await(described));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static void prune(java.util.concurrent.CompletableFuture<?> pruned) {
        if (pruned == null) {
            return;
        }
        try {
            var rs = (io.vertx.mutiny.sqlclient.RowSet<?>) Db.await(pruned);
            if (rs.rowCount() > 0) {
                LOG.infof("forgot %d device upload answer(s) past their retention", rs.rowCount());
            }
        } catch (RuntimeException e) {
            LOG.warnf("pruning device upload answers failed (tried again later): %s", e.getMessage());
        }
    }

    /** Waits for statements whose answers are not needed (a replay): none stays in flight on the connection. */
    private static void awaitQuietly(java.util.concurrent.CompletableFuture<?>... sent) {
        for (var f : sent) {
            if (f != null) {
                try {
                    Db.await(f);
                } catch (RuntimeException ignored) {
                    // Not needed: a replay answers from the stored answer.
                }
            }
        }
    }

    private static Answer replay(UploadRepository.Earlier earlier, String hash, String requestId) {
        if (!earlier.requestHash().equals(hash)) {
            throw new IllegalArgumentException("request_id " + requestId + " was used for another upload: a new upload"
                    + " takes a new Idempotency-Key");
        }
        Answer first = Json.decodeValue(earlier.answer(), Answer.class);
        return new Answer(first.importId(), first.results(), true);
    }

    /** An upload's writes, its history item and its stored answer, sent and not yet awaited. */
    private record Sent(ChangeWriter writer, CompletableFuture<RowSet<Row>> imported,
            CompletableFuture<RowSet<Row>> stored, String importId, List<UploadRules.Outcome> outcomes, String device,
            TableRef table, int decisions) {

        /** Awaited in the order sent: the first failure is the one reported. */
        Answer await() {
            long applied = writer.finish();
            Db.await(imported);
            Map<String, UploadRepository.Stored> rows = UploadRepository.rows(Db.await(stored));
            List<Result> results = new ArrayList<>();
            for (var o : outcomes) {
                var row = o.uid() == null ? null : rows.get(o.uid());
                results.add(row == null ? new Result(o, null, null, null)
                        : new Result(o, row.keyJson(), row.version(), row.rowJson()));
            }
            LOG.debugf("upload %s of device %s to %s: %d edit(s), %d applied, %d conflict decision(s)", importId, device,
                    table, outcomes.size(), applied, decisions);
            return new Answer(importId, results, false);
        }
    }

    /**
     * Decides each edit (conflicts by the clone rules, their decisions recorded) and sends the
     * writes, the import's history item, the rows read back with the stored answer, and the
     * capture switch back, pipelined; the caller sends the COMMIT behind them, then awaits.
     */
    private static Sent apply(SqlConnection c, LayerShape layer, String device, String requestId, String importId,
            List<Edit> edits, Instant receivedAt, UploadRepository.Context where, Map<String, String> versions,
            Map<TableRef, Catalog.TableShape> shapes) {
        TableRef table = layer.table();
        List<String> suspect = new ArrayList<>();
        for (Edit e : edits) {
            if (e.op() != EditParser.Op.CREATE && (!versions.containsKey(e.uid())
                    || !e.baseVersion().equals(versions.get(e.uid())))) {
                suspect.add(e.uid());
            }
        }
        // Central's side: what changed since the device's position, without the device's own edits.
        // A device without a position (it never confirmed a download of the layer, or its position
        // was dropped) meets central's last change of each row it edits from another version.
        List<NetChange> central = suspect.isEmpty() ? List.of()
                : Collapser.collapseFor(where.position() == null
                        ? UploadRepository.lastChanges(c, layer, suspect, where.centralId())
                        : UploadRepository.changedSince(c, table, where.position(), suspect, where.centralId()),
                        new Routing.Destination(device, null, 0));
        Set<String> deletedSince = new HashSet<>();
        central.stream().filter(n -> n.kind() == NetChange.Kind.DELETE).forEach(n -> deletedSince.add(n.uid()));
        UploadRules.Plan plan = UploadRules.plan(layer, edits, versions, deletedSince, device, receivedAt,
                () -> UUID.randomUUID().toString());
        var resolution = plan.checked().isEmpty() ? ConflictResolver.resolve(List.of(), List.of(), t -> null)
                : ConflictResolver.resolve(plan.checked(), central, ExchangeRepository.policies(c)::get);
        if (!resolution.decisions().isEmpty()) {
            // Recorded before the writes (they do not depend on each other): a round trip only with conflicts.
            ExchangeRepository.recordDecisions(c, device, resolution.decisions(), 0L);
        }
        Set<NetChange> creates = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        plan.straight().stream().filter(n -> n.kind() == NetChange.Kind.UPSERT).forEach(creates::add);
        List<NetChange> toApply = new ArrayList<>(plan.straight());
        toApply.addAll(resolution.toApply());
        toApply.sort(Collapser.REPLAY_ORDER);
        ChangeWriter writer = ChangeWriter.loggingPipelined(c, Json.encode(Map.of("origin", device, "sync_id", importId)),
                shapes);
        for (NetChange n : toApply) {
            if (creates.contains(n)) {
                writer.insert(n);
            } else {
                writer.apply(n);
            }
        }
        // The capture switch goes back before the import's item and the answer (tables the log does not
        // capture), so that a failure is reported by its own statement, not by the switch's "aborted".
        writer.sendRest();
        var imported = UploadRepository.sendImport(c, importId, device, where.centralId(), writer.taken(),
                resolution.decisions().size());
        var outcomes = UploadRules.outcomes(edits, plan, resolution.decisions());
        var stored = UploadRepository.sendRowsAndAnswer(c, layer, plan.uids(), device, requestId, importId,
                outcomes.stream().map(Json::encode).toList(), outcomes.stream().map(UploadRules.Outcome::uid).toList());
        return new Sent(writer, imported, stored, importId, outcomes, device, table, resolution.decisions().size());
    }

    private static String hash(String device, Ask ask) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (String s : List.of(device, ask.table().schema(), ask.table().table(), ask.structureVersion(),
                Integer.toString(ask.geometrySrid()))) {
            md.update(s.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
        }
        for (RawEdit e : ask.edits()) {
            for (String s : new String[] {String.valueOf(e.op()), e.uid(), e.valuesJson(), e.baseVersion()}) {
                md.update(String.valueOf(s).getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
        }
        return java.util.HexFormat.of().formatHex(md.digest());
    }
}
