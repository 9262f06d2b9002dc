package io.lizsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of a file for {@code lizsync device push}, as the upload's create edits: a JSON array
 * of objects (column -> value, an optional {@code uid}) or a GeoJSON FeatureCollection (its
 * properties, its geometry under the geometry column, an optional {@code uid} property or feature
 * id). Pure.
 */
final class RowFiles {

    static final int MAX_ROWS = 5000;

    private RowFiles() {
    }

    static List<Map<String, Object>> creates(JsonNode doc, String geometryColumn) {
        List<Map<String, Object>> edits = new ArrayList<>();
        if (doc != null && doc.isObject() && "FeatureCollection".equals(doc.path("type").asText())) {
            for (JsonNode f : doc.path("features")) {
                Map<String, Object> values = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = f.path("properties").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    values.put(e.getKey(), e.getValue());
                }
                if (f.hasNonNull("geometry")) {
                    values.put(geometryColumn, f.get("geometry"));
                }
                Object uid = values.remove("uid");
                if (uid == null && f.hasNonNull("id") && Ids.isUuid(f.get("id").asText())) {
                    uid = f.get("id").asText();
                }
                edits.add(create(uid, values));
            }
        } else if (doc != null && doc.isArray()) {
            for (JsonNode row : doc) {
                if (!row.isObject()) {
                    throw new UsageException("--file: every element of the array must be a JSON object (a row)");
                }
                Map<String, Object> values = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    values.put(e.getKey(), e.getValue());
                }
                edits.add(create(values.remove("uid"), values));
            }
        } else {
            throw new UsageException("--file must hold a JSON array of rows or a GeoJSON FeatureCollection");
        }
        if (edits.isEmpty()) {
            throw new UsageException("--file holds no row");
        }
        if (edits.size() > MAX_ROWS) {
            throw new UsageException("--file holds " + edits.size() + " rows; push at most " + MAX_ROWS + " at once");
        }
        return edits;
    }

    private static Map<String, Object> create(Object uid, Map<String, Object> values) {
        Map<String, Object> edit = new LinkedHashMap<>();
        edit.put("op", "create");
        if (uid != null) {
            String u = uid instanceof JsonNode n ? n.asText() : uid.toString();
            if (!u.isEmpty()) {
                edit.put("uid", u);
            }
        }
        edit.put("values", values);
        return edit;
    }
}
