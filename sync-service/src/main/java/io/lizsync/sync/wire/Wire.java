package io.lizsync.sync.wire;

import com.google.protobuf.Timestamp;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Encoding of row values on the wire: a JSON object of PostgreSQL text representations. */
public final class Wire {

    private Wire() {
    }

    public static String json(Map<String, String> values) {
        JsonObject o = new JsonObject();
        values.forEach(o::put);
        return o.encode();
    }

    public static Map<String, String> values(String json) {
        Map<String, String> out = new LinkedHashMap<>();
        if (json == null || json.isEmpty()) {
            return out;
        }
        JsonObject o;
        try {
            o = new JsonObject(json);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("row values are not a JSON object: " + e.getMessage());
        }
        for (String k : o.fieldNames()) {
            Object v = o.getValue(k);
            if (v != null && !(v instanceof String)) {
                throw new IllegalArgumentException("value of field " + k + " must be a string or null");
            }
            out.put(k, (String) v);
        }
        return out;
    }

    public static Timestamp timestamp(Instant i) {
        Instant t = i == null ? Instant.EPOCH : i;
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }

    public static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }
}
