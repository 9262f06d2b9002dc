package io.lizsync.sync.central.devices.service;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The edits of an upload checked against the layer's columns (pure: no I/O). Values become
 * PostgreSQL text (ADR 0003); whether each is valid input for its column's type, and each geometry
 * valid, is checked by the database afterwards ({@code lizsync.device_value_error},
 * {@code lizsync.device_geometry}). Every refusal names the edit and the field.
 */
public final class EditParser {

    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** Most edits in one upload. */
    public static final int MAX_EDITS = 10_000;

    private EditParser() {
    }

    /** What an edit does. */
    public enum Op {
        CREATE, UPDATE, DELETE
    }

    /** An edit as the device sent it: op null when unspecified. */
    public record RawEdit(Op op, String uid, String valuesJson, String baseVersion) {
    }

    /**
     * A checked edit. {@code uid} is null for a create without one; {@code values} maps columns to
     * PostgreSQL text (the geometry as the device's GeoJSON or WKT, converted later).
     */
    public record Edit(int index, Op op, String uid, Map<String, String> values, String baseVersion) {
    }

    public static List<Edit> parse(LayerShape layer, List<RawEdit> raw) {
        if (raw.isEmpty()) {
            throw new IllegalArgumentException("an upload needs at least one edit");
        }
        if (raw.size() > MAX_EDITS) {
            throw new IllegalArgumentException("at most " + MAX_EDITS + " edits per upload, not " + raw.size());
        }
        List<Edit> out = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            out.add(edit(layer, i, raw.get(i)));
        }
        return out;
    }

    private static Edit edit(LayerShape layer, int i, RawEdit e) {
        if (e.op() == null) {
            throw new InvalidFieldException(i, "op", "CREATE, UPDATE or DELETE");
        }
        String uid = e.uid() == null || e.uid().isEmpty() ? null : e.uid();
        if (uid != null && !UUID.matcher(uid).matches()) {
            throw new InvalidFieldException(i, layer.uidColumn(), "not a UUID: " + uid);
        }
        uid = uid == null ? null : uid.toLowerCase(Locale.ROOT);
        if (uid == null && e.op() != Op.CREATE) {
            throw new InvalidFieldException(i, layer.uidColumn(), "an " + e.op() + " names the row by its uid");
        }
        Map<String, String> values = new LinkedHashMap<>();
        if (e.op() != Op.DELETE) {
            JsonObject json;
            try {
                json = e.valuesJson() == null || e.valuesJson().isBlank() ? new JsonObject()
                        : new JsonObject(e.valuesJson());
            } catch (DecodeException | ClassCastException ex) {
                throw new InvalidFieldException(i, "values_json", "not a JSON object");
            }
            for (Map.Entry<String, Object> f : json) {
                String name = f.getKey();
                LayerShape.Column column = layer.column(name);
                if (column == null) {
                    throw new InvalidFieldException(i, name, "no such column in layer " + layer.table());
                }
                if (name.equals(layer.uidColumn())) {
                    String given = f.getValue() == null ? null : String.valueOf(f.getValue()).toLowerCase(Locale.ROOT);
                    if (given == null || !given.equals(uid) && uid != null || !UUID.matcher(given).matches()) {
                        throw new InvalidFieldException(i, name, "the uid goes in the edit's uid (the same value, if here)");
                    }
                    uid = given;
                    continue;
                }
                if (column.serverFilled()) {
                    throw new InvalidFieldException(i, name, "filled by central, never sent");
                }
                values.put(name, text(i, layer, column, f.getValue()));
            }
            for (LayerShape.Column c : layer.columns()) {
                boolean required = !c.nullable() && !c.serverFilled() && !c.name().equals(layer.uidColumn());
                if (!required) {
                    continue;
                }
                boolean missing = e.op() == Op.CREATE ? !c.hasDefault() && values.get(c.name()) == null
                        : values.containsKey(c.name()) && values.get(c.name()) == null;
                if (missing) {
                    throw new InvalidFieldException(i, c.name(), "required (NOT NULL)");
                }
            }
            if (e.op() == Op.UPDATE && values.isEmpty()) {
                throw new InvalidFieldException(i, "values_json", "an UPDATE changes at least one column");
            }
        }
        return new Edit(i, e.op(), uid, values, e.baseVersion() == null ? "" : e.baseVersion());
    }

    /** A JSON value as PostgreSQL text input for its column. */
    static String text(int i, LayerShape layer, LayerShape.Column column, Object value) {
        if (value == null) {
            return null;
        }
        boolean json = column.type().startsWith("json");
        if (value instanceof JsonObject || value instanceof JsonArray) {
            if (json || layer.isGeometry(column.name()) && value instanceof JsonObject) {
                return value instanceof JsonObject o ? o.encode() : ((JsonArray) value).encode();
            }
            throw new InvalidFieldException(i, column.name(), "a JSON " + (value instanceof JsonObject ? "object" : "array")
                    + " for a column of type " + column.type());
        }
        if (json) {
            return io.vertx.core.json.Json.encode(value);
        }
        if (value instanceof Number n) {
            return n instanceof Double || n instanceof Float ? new java.math.BigDecimal(n.toString()).stripTrailingZeros().toPlainString()
                    : n.toString();
        }
        return String.valueOf(value);
    }
}
