package io.lizsync.sync.central.devices.service;

import io.lizsync.sync.central.devices.repository.UploadRepository;
import io.lizsync.sync.central.devices.service.EditParser.Edit;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The database's checks of an upload's values, sent with the upload's first statements (no round
 * trip of their own): every geometry converted to the layer's SRID and checked (valid, of the
 * layer's type), every other value that is not text checked against its column's type, the
 * whole upload in one call ({@code lizsync.device_value_errors}). The first failure names its
 * edit and field ({@link InvalidFieldException}); nothing is written then.
 */
final class UploadChecks {

    private final LayerShape layer;
    private final List<Edit> edits;
    /** Edits with a geometry, and the geometries as sent. */
    private final List<Integer> geometryAt = new ArrayList<>();
    private final List<String> geometries = new ArrayList<>();
    /** Typed values: the edit and field of each, the value and the column's type. */
    private final List<Integer> valueAt = new ArrayList<>();
    private final List<String> fields = new ArrayList<>();
    private final List<String> values = new ArrayList<>();
    private final List<String> types = new ArrayList<>();

    private UploadChecks(LayerShape layer, List<Edit> edits) {
        this.layer = layer;
        this.edits = edits;
    }

    static UploadChecks of(LayerShape layer, List<Edit> edits) {
        UploadChecks out = new UploadChecks(layer, edits);
        String geometry = layer.geometryColumn();
        for (Edit e : edits) {
            for (var f : e.values().entrySet()) {
                if (f.getValue() == null) {
                    continue;
                }
                if (f.getKey().equals(geometry)) {
                    out.geometryAt.add(e.index());
                    out.geometries.add(f.getValue());
                    continue;
                }
                String type = layer.column(f.getKey()).type();
                if (!type.equals("text")) {
                    out.valueAt.add(e.index());
                    out.fields.add(f.getKey());
                    out.values.add(f.getValue());
                    out.types.add(type);
                }
            }
        }
        return out;
    }

    /** The geometries' conversion, or null when there is none. */
    CompletableFuture<RowSet<Row>> sendGeometries(SqlConnection c, int srid) {
        return geometries.isEmpty() ? null : UploadRepository.sendGeometries(c, geometries, srid, layer);
    }

    /** The typed values' check, or null when there is none. */
    CompletableFuture<RowSet<Row>> sendValues(SqlConnection c) {
        return values.isEmpty() ? null : UploadRepository.sendValueErrors(c, values, types);
    }

    /**
     * The edits with their geometries as the layer stores them (hex EWKB), from the answers of
     * {@link #sendGeometries} and {@link #sendValues} (null for one not sent); the first invalid
     * geometry, else the first invalid value, is refused.
     */
    List<Edit> converted(RowSet<Row> geometryRows, RowSet<Row> valueRows) {
        List<Edit> out = new ArrayList<>(edits);
        if (geometryRows != null) {
            var converted = UploadRepository.geometries(geometryRows);
            String geometry = layer.geometryColumn();
            for (int i = 0; i < geometryAt.size(); i++) {
                var g = converted.get(i);
                if (g.error() != null) {
                    throw new InvalidFieldException(geometryAt.get(i), geometry, g.error());
                }
                Edit e = out.get(geometryAt.get(i));
                Map<String, String> v = new LinkedHashMap<>(e.values());
                v.put(geometry, g.ewkb());
                out.set(geometryAt.get(i), new Edit(e.index(), e.op(), e.uid(), v, e.baseVersion()));
            }
        }
        if (valueRows != null) {
            var error = UploadRepository.valueError(valueRows);
            if (error != null) {
                throw new InvalidFieldException(valueAt.get(error.at()), fields.get(error.at()), error.error());
            }
        }
        return out;
    }
}
