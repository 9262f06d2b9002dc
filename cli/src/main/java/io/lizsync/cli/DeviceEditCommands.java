package io.lizsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lizsync device push | update | delete}: a device's edits of a layer's rows (ADR 0021). */
final class DeviceEditCommands {

    private DeviceEditCommands() {
    }

    /** An upload: its Idempotency-Key (given to retry, else a new one) and its answer printed. */
    abstract static class Edit extends DeviceCommands.OnLayer {
        @Option(names = "--key", paramLabel = "TEXT", description = "Idempotency-Key (default: a new UUID; give the same on a retry)")
        String key;

        String idempotencyKey() {
            if (key == null) {
                key = UUID.randomUUID().toString();
            }
            return key;
        }

        /** Prints an upload's answer: one line per edit. */
        void printUpload(JsonNode r) {
            Output o = out();
            if (o.json()) {
                o.document(r);
                return;
            }
            o.line("import " + Output.text(r, "importId") + (r.path("replayed").asBoolean() ? " (the first answer, replayed)" : ""));
            for (JsonNode e : r.path("results")) {
                o.line(e.path("index").asInt() + "\t" + Output.text(e, "uid") + "\t" + Output.text(e, "outcome")
                        + (e.hasNonNull("serverId") ? "\tserver id " + e.get("serverId") : "")
                        + (e.hasNonNull("winner") ? "\twinner " + Output.text(e, "winner") + " (" + Output.text(e, "rule") + ")" : "")
                        + (e.hasNonNull("message") ? "\t" + Output.text(e, "message") : ""));
            }
        }
    }

    @Command(name = "push", mixinStandardHelpOptions = true,
            description = "Upload new rows from a JSON file (an array of objects column -> value, an optional \"uid\") or a"
                    + " GeoJSON FeatureCollection (properties and geometry); one import, retried safely with --key.")
    static final class Push extends Edit {
        @Option(names = "--file", required = true, paramLabel = "FILE", description = "the rows (JSON or GeoJSON)")
        String file;
        @Option(names = "--srid", paramLabel = "N", description = "SRID of the geometries: the layer's (default) or 4326")
        Integer srid;
        @Option(names = "--geometry-column", paramLabel = "NAME", defaultValue = "geom",
                description = "column of a GeoJSON feature's geometry (default: ${DEFAULT-VALUE})")
        String geometryColumn;

        @Override
        public Integer call() throws IOException {
            String id = deviceId();
            List<Map<String, Object>> edits = RowFiles.creates(ctx().json.readTree(Path.of(file).toFile()), geometryColumn);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("edits", edits);
            if (srid != null) {
                body.put("srid", srid);
            }
            String k = idempotencyKey();
            ctx().err.println("Idempotency-Key: " + k + " (give it as --key to retry this upload safely)");
            printUpload(gw().send("POST", layerPath() + "/rows", body, GatewayClient.LONG, Map.of(DeviceCommands.DEVICE, id, "Idempotency-Key", k)).body());
            return ExitCodes.OK;
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true, description = "Update one row: the changed columns as a JSON object.")
    static final class Update extends Edit {
        @Option(names = "--uid", required = true, paramLabel = "UUID", description = "the row's uid")
        String uid;
        @Option(names = "--values", required = true, paramLabel = "JSON", description = "e.g. '{\"value\": 12}'")
        String values;
        @Option(names = "--base-version", paramLabel = "V", description = "the version your copy has (from pull)")
        String baseVersion;

        @Override
        public Integer call() throws IOException {
            JsonNode v;
            try {
                v = ctx().json.readTree(values);
            } catch (IOException e) {
                throw new UsageException("--values must be a JSON object");
            }
            if (v == null || !v.isObject()) {
                throw new UsageException("--values must be a JSON object");
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("values", v);
            if (baseVersion != null) {
                body.put("baseVersion", baseVersion);
            }
            printUpload(gw().send("PUT", layerPath() + "/rows/" + Ids.uuid("--uid", uid, "a row uid"), body, GatewayClient.SHORT,
                    Map.of(DeviceCommands.DEVICE, deviceId(), "Idempotency-Key", idempotencyKey())).body());
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete one row.")
    static final class Delete extends Edit {
        @Option(names = "--uid", required = true, paramLabel = "UUID", description = "the row's uid")
        String uid;
        @Option(names = "--base-version", paramLabel = "V", description = "the version your copy has (from pull)")
        String baseVersion;

        @Override
        public Integer call() throws IOException {
            String q = baseVersion == null ? "" : "?baseVersion=" + GatewayClient.encode(baseVersion);
            printUpload(gw().send("DELETE", layerPath() + "/rows/" + Ids.uuid("--uid", uid, "a row uid") + q, null,
                    GatewayClient.SHORT, Map.of(DeviceCommands.DEVICE, deviceId(), "Idempotency-Key", idempotencyKey()))
                    .body());
            return ExitCodes.OK;
        }
    }
}
