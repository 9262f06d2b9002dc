package io.lizsync.sync.central.devices.service;

import io.lizsync.sync.central.devices.repository.LayerRepository;
import io.lizsync.sync.central.devices.repository.UploadRepository;
import io.lizsync.sync.central.devices.service.EditParser.Edit;
import io.lizsync.sync.central.devices.service.EditParser.RawEdit;
import io.lizsync.sync.central.exchange.repository.ExchangeRepository;
import io.lizsync.sync.central.exchange.service.ExchangeException;
import io.lizsync.sync.db.ChangeWriter;
import io.lizsync.sync.db.Db;
import io.lizsync.sync.engine.Collapser;
import io.lizsync.sync.engine.ConflictResolver;
import io.lizsync.sync.engine.NetChange;
import io.lizsync.sync.engine.Routing;
import io.lizsync.sync.engine.TableRef;
import io.vertx.core.json.Json;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Uploads of devices (ADR 0020): one import per request, in one transaction. The request id is
 * recorded first (a retry gets the stored answer); the edits are checked against the layer
 * (nothing is written when one is invalid); they enter central's log with the device as origin
 * and the import as sync id, like a clone's push, so clones receive them and conflicts are
 * decided and recorded as for clones.
 */
@ApplicationScoped
public class UploadService {

    private static final Logger LOG = Logger.getLogger(UploadService.class);

    private final Pool pool;

    UploadService(Pool pool) {
        this.pool = pool;
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
        String device = DownloadTokens.deviceId(ask.deviceId());
        if (ask.requestId().isBlank() || ask.requestId().length() > 200) {
            throw new IllegalArgumentException("request_id (the Idempotency-Key) is required, at most 200 characters");
        }
        LayerShape layer = LayerRepository.describe(pool, ask.table());
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
        String hash = hash(device, ask);
        String importId = UUID.randomUUID().toString();
        return Db.inTransaction(pool, c -> {
            var receipt = UploadRepository.receive(c, device, ask.requestId(), importId, hash);
            if (receipt.earlier() != null) {
                return replay(receipt.earlier(), hash, ask.requestId());
            }
            List<Edit> ready = convert(c, layer, edits, srid);
            Answer answer = apply(c, layer, device, importId, ready, receipt.receivedAt());
            UploadRepository.storeAnswer(c, device, ask.requestId(), Json.encode(answer));
            return answer;
        });
    }

    private static Answer replay(UploadRepository.Earlier earlier, String hash, String requestId) {
        if (!earlier.requestHash().equals(hash)) {
            throw new IllegalArgumentException("request_id " + requestId + " was used for another upload: a new upload"
                    + " takes a new Idempotency-Key");
        }
        Answer first = Json.decodeValue(earlier.answer(), Answer.class);
        return new Answer(first.importId(), first.results(), true);
    }

    /** Geometries converted to the layer's SRID and every value checked against its column's type. */
    private static List<Edit> convert(SqlConnection c, LayerShape layer, List<Edit> edits, int srid) {
        List<Edit> out = new ArrayList<>(edits);
        String geometry = layer.geometryColumn();
        if (geometry != null) {
            List<Integer> at = new ArrayList<>();
            List<String> inputs = new ArrayList<>();
            for (Edit e : edits) {
                if (e.values().get(geometry) != null) {
                    at.add(e.index());
                    inputs.add(e.values().get(geometry));
                }
            }
            if (!inputs.isEmpty()) {
                var converted = UploadRepository.geometries(c, inputs, srid, layer);
                for (int i = 0; i < at.size(); i++) {
                    var g = converted.get(i);
                    if (g.error() != null) {
                        throw new InvalidFieldException(at.get(i), geometry, g.error());
                    }
                    Edit e = out.get(at.get(i));
                    Map<String, String> values = new java.util.LinkedHashMap<>(e.values());
                    values.put(geometry, g.ewkb());
                    out.set(at.get(i), new Edit(e.index(), e.op(), e.uid(), values, e.baseVersion()));
                }
            }
        }
        List<int[]> where = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        List<String> values = new ArrayList<>();
        List<String> types = new ArrayList<>();
        for (Edit e : edits) {
            for (var f : e.values().entrySet()) {
                String type = layer.column(f.getKey()).type();
                if (f.getValue() != null && !f.getKey().equals(geometry) && !type.equals("text")) {
                    where.add(new int[] {e.index()});
                    fields.add(f.getKey());
                    values.add(f.getValue());
                    types.add(type);
                }
            }
        }
        if (!values.isEmpty()) {
            List<String> errors = UploadRepository.valueErrors(c, values, types);
            for (int i = 0; i < errors.size(); i++) {
                if (errors.get(i) != null) {
                    throw new InvalidFieldException(where.get(i)[0], fields.get(i), errors.get(i));
                }
            }
        }
        return out;
    }

    private static Answer apply(SqlConnection c, LayerShape layer, String device, String importId, List<Edit> edits,
            java.time.Instant receivedAt) {
        TableRef table = layer.table();
        List<String> named = new ArrayList<>();
        edits.stream().filter(e -> e.uid() != null).forEach(e -> named.add(e.uid()));
        Map<String, String> versions = UploadRepository.lockVersions(c, layer, named);
        String centralId = ExchangeRepository.centralId(c);
        String position = UploadRepository.position(c, device, table);
        List<String> suspect = new ArrayList<>();
        for (Edit e : edits) {
            if (e.op() != EditParser.Op.CREATE && (!versions.containsKey(e.uid())
                    || !e.baseVersion().equals(versions.get(e.uid())))) {
                suspect.add(e.uid());
            }
        }
        // Central's side: what changed since the device's position, without the device's own edits.
        List<NetChange> central = position == null || suspect.isEmpty() ? List.of()
                : Collapser.collapseFor(UploadRepository.changedSince(c, table, position, suspect, centralId),
                        new Routing.Destination(device, null, 0));
        Set<String> deletedSince = new HashSet<>();
        central.stream().filter(n -> n.kind() == NetChange.Kind.DELETE).forEach(n -> deletedSince.add(n.uid()));
        UploadRules.Plan plan = UploadRules.plan(layer, edits, versions, deletedSince, device, receivedAt,
                () -> UUID.randomUUID().toString());
        var policies = ExchangeRepository.policies(c);
        var resolution = ConflictResolver.resolve(plan.checked(), central, policies::get);
        List<NetChange> toApply = new ArrayList<>(plan.straight());
        toApply.addAll(resolution.toApply());
        toApply.sort(Collapser.REPLAY_ORDER);
        ChangeWriter writer = ChangeWriter.logging(c, Json.encode(Map.of("origin", device, "sync_id", importId)));
        toApply.forEach(writer::apply);
        long applied = writer.finish();
        ExchangeRepository.recordDecisions(c, device, resolution.decisions(), 0L);
        UploadRepository.recordImport(c, importId, device, centralId, applied, resolution.decisions().size());
        var outcomes = UploadRules.outcomes(edits, plan, resolution.decisions());
        Map<String, UploadRepository.Stored> rows = UploadRepository.rows(c, layer, plan.uids());
        List<Result> results = new ArrayList<>();
        for (var o : outcomes) {
            var row = rows.get(o.uid());
            results.add(row == null ? new Result(o, null, null, null)
                    : new Result(o, row.keyJson(), row.version(), row.rowJson()));
        }
        LOG.infof("upload %s of device %s to %s: %d edit(s), %d applied, %d conflict decision(s)", importId, device,
                table, edits.size(), applied, resolution.decisions().size());
        return new Answer(importId, results, false);
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
