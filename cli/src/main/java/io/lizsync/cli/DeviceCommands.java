package io.lizsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code lizsync device …}: the reference client of the device flow (seed 003, ADR 0021) over the
 * gateway, so that an app developer sees every request ({@code --verbose} prints them): register,
 * projects, layers, documents and their download, pull (the delta, with the checkpoint kept in a
 * state file and echoed on the next pull), push (rows from a JSON or GeoJSON file), update,
 * delete; and for administrators list, block, unblock, forget.
 */
@Command(name = "device", mixinStandardHelpOptions = true,
        description = "A mobile device's synchronisation through the gateway (the reference client of /api/v1/projects/…/layers).",
        subcommands = {DeviceCommands.Register.class, DeviceCommands.Projects.class, DeviceCommands.Layers.class,
                DeviceCommands.Documents.class, DeviceCommands.DocumentDownload.class, DeviceCommands.Pull.class,
                DeviceEditCommands.Push.class, DeviceEditCommands.Update.class, DeviceEditCommands.Delete.class,
                DeviceAdminCommands.ListDevices.class, DeviceAdminCommands.Block.class, DeviceAdminCommands.Unblock.class,
                DeviceAdminCommands.Forget.class})
final class DeviceCommands implements Callable<Integer> {

    static final String DEVICE = "X-Device-Id";

    @ParentCommand
    LizsyncCommand root;

    @picocli.CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(root.context.err);
        return ExitCodes.USAGE;
    }

    /** A device subcommand: the shared options, the client (tracing with --verbose) and the device header. */
    abstract static class Sub implements Callable<Integer> {
        @ParentCommand
        DeviceCommands group;
        @Mixin
        Options.Common common;
        @Mixin
        Options.Gateway gateway;
        @Option(names = "--verbose", description = "print each HTTP request and its status on stderr")
        boolean verbose;

        CliContext ctx() {
            return group.root.context;
        }

        GatewayClient gw() throws IOException {
            GatewayClient c = ctx().gateway(common, gateway);
            return verbose ? c.tracing(ctx().err) : c;
        }

        Output out() {
            return ctx().output(common);
        }
    }

    /** A subcommand about one device of the caller. */
    abstract static class WithDevice extends Sub {
        @Option(names = "--device", required = true, paramLabel = "UUID", description = "the device's own UUID")
        String device;

        String deviceId() {
            return Ids.uuid("--device", device, "a device id");
        }
    }

    /** A subcommand about one layer of a project. */
    abstract static class OnLayer extends WithDevice {
        @Option(names = "--project", required = true, paramLabel = "UUID", description = "the project's id")
        String project;
        @Option(names = "--layer", required = true, paramLabel = "SCHEMA.TABLE", description = "the layer's table")
        String layer;

        String layerPath() {
            int dot = layer == null ? -1 : layer.indexOf('.');
            if (dot <= 0 || dot == layer.length() - 1) {
                throw new UsageException("--layer must be SCHEMA.TABLE");
            }
            return "/api/v1/projects/" + Ids.uuid("--project", project, "a project id") + "/layers/"
                    + GatewayClient.encode(layer.substring(0, dot)) + "/" + GatewayClient.encode(layer.substring(dot + 1));
        }
    }

    @Command(name = "register", mixinStandardHelpOptions = true,
            description = "Register this device for the logged-in user (idempotent; refused when blocked or another user's).")
    static final class Register extends WithDevice {
        @Option(names = "--name", paramLabel = "TEXT", defaultValue = "", description = "a name for it")
        String name;

        @Override
        public Integer call() throws IOException {
            JsonNode d = gw().send("PUT", "/api/v1/devices/" + deviceId(), Map.of("name", name), GatewayClient.SHORT).body();
            Output o = out();
            if (o.json()) {
                o.document(d);
            } else {
                o.line("OK: device " + Output.text(d, "id") + " registered for user " + Output.text(d, "userId"));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "projects", mixinStandardHelpOptions = true, description = "The projects granted to you.")
    static final class Projects extends Sub {
        @Override
        public Integer call() throws IOException {
            List<JsonNode> items = new ArrayList<>();
            gw().get("/api/v1/projects").forEach(items::add);
            out().table(items, "id", "key", "title", "layerCount");
            return ExitCodes.OK;
        }
    }

    @Command(name = "layers", mixinStandardHelpOptions = true,
            description = "A project's layers with their columns, geometry type, SRID and structure version.")
    static final class Layers extends Sub {
        @Option(names = "--project", required = true, paramLabel = "UUID", description = "the project's id")
        String project;

        @Override
        public Integer call() throws IOException {
            String base = "/api/v1/projects/" + Ids.uuid("--project", project, "a project id") + "/layers";
            GatewayClient gw = gw();
            List<JsonNode> described = new ArrayList<>();
            for (JsonNode l : gw.get(base).path("layers")) {
                described.add(gw.get(base + "/" + GatewayClient.encode(l.path("table").path("schema").asText()) + "/"
                        + GatewayClient.encode(l.path("table").path("table").asText())));
            }
            Output o = out();
            if (o.json()) {
                o.table(described);
                return ExitCodes.OK;
            }
            for (JsonNode l : described) {
                o.line(Output.text(l, "schema") + "." + Output.text(l, "table") + "\t" + Output.text(l, "title") + "\t"
                        + Output.text(l, "geometryType") + " SRID " + l.path("srid").asInt() + "\tstructure "
                        + Output.text(l, "structureVersion") + (l.path("editable").asBoolean() ? "\teditable" : "\tread-only"));
                for (JsonNode c : l.path("columns")) {
                    o.line("  " + Output.text(c, "name") + "\t" + Output.text(c, "type") + (c.path("nullable").asBoolean() ? "" : "\tnot null")
                            + (c.path("serverFilled").asBoolean() ? "\tserver-filled" : ""));
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "documents", mixinStandardHelpOptions = true, description = "A layer's documents.")
    static final class Documents extends OnLayer {
        @Override
        public Integer call() throws IOException {
            deviceId();
            List<JsonNode> items = new ArrayList<>();
            gw().get(layerPath() + "/documents").forEach(items::add);
            out().table(items, "id", "title", "kind", "location", "sizeBytes");
            return ExitCodes.OK;
        }
    }

    @Command(name = "document-download", mixinStandardHelpOptions = true,
            description = "Download a document's file; an interrupted download resumes from its .part file (Range), checked by its ETag.")
    static final class DocumentDownload extends Sub {
        @Option(names = "--project", required = true, paramLabel = "UUID", description = "the project's id")
        String project;
        @Option(names = "--document", required = true, paramLabel = "UUID", description = "the document's id")
        String document;
        @Option(names = "--file", required = true, paramLabel = "FILE", description = "where to write it (must not exist)")
        String file;

        @Override
        public Integer call() throws IOException {
            String path = "/api/v1/projects/" + Ids.uuid("--project", project, "a project id") + "/documents/"
                    + Ids.uuid("--document", document, "a document id") + "/content";
            long bytes = DocumentFiles.download(gw(), path, Path.of(file), ctx().err);
            out().line("OK: " + file + " (" + Output.size(bytes) + ")");
            return ExitCodes.OK;
        }
    }

    @Command(name = "pull", mixinStandardHelpOptions = true,
            description = "Download the layer's delta for this device (every page), print or store the rows, and keep the"
                    + " answer's checkpoint in --state, echoed on the next pull (which confirms it).")
    static final class Pull extends OnLayer {
        @Option(names = "--state", paramLabel = "FILE",
                description = "a file keeping the last checkpoint (read before, written after a complete download)")
        String state;
        @Option(names = "--rows", paramLabel = "FILE", description = "write the rows there, one JSON object a line")
        String rowsFile;
        @Option(names = "--all", description = "without X-Device-Id: every row, no checkpoint")
        boolean all;
        @Option(names = "--bbox", paramLabel = "MINX,MINY,MAXX,MAXY", description = "area of interest")
        String bbox;
        @Option(names = "--srid", paramLabel = "N", description = "SRID of --bbox: the layer's (default) or 4326")
        Integer srid;
        @Option(names = "--limit", paramLabel = "N", description = "rows per page (default: the gateway's)")
        Integer limit;

        @Override
        public Integer call() throws IOException {
            String id = deviceId();
            Path statePath = state == null ? null : Path.of(state);
            String checkpoint = statePath != null && Files.exists(statePath)
                    ? ctx().json.readTree(statePath.toFile()).path("checkpoint").asText("") : "";
            GatewayClient gw = gw();
            Map<String, String> headers = all ? Map.of() : Map.of(DEVICE, id);
            ArrayNode rows = ctx().json.createArrayNode();
            ArrayNode removed = ctx().json.createArrayNode();
            String next = "";
            JsonNode last;
            int pages = 0;
            long received = 0;
            boolean reset = false;
            try (var writer = rowsFile == null ? null : Files.newBufferedWriter(Path.of(rowsFile), StandardCharsets.UTF_8)) {
                do {
                    StringBuilder q = new StringBuilder("?");
                    if (!next.isEmpty()) {
                        q.append("next=").append(GatewayClient.encode(next)).append('&');
                    }
                    if (!checkpoint.isEmpty() && !all) {
                        q.append("checkpoint=").append(GatewayClient.encode(checkpoint)).append('&');
                    }
                    if (bbox != null) {
                        q.append("bbox=").append(GatewayClient.encode(bbox)).append('&');
                    }
                    if (srid != null) {
                        q.append("srid=").append(srid).append('&');
                    }
                    if (limit != null) {
                        q.append("limit=").append(limit).append('&');
                    }
                    last = gw.send("GET", layerPath() + "/rows" + q.substring(0, q.length() - 1), null, GatewayClient.LONG, headers).body();
                    if (last == null || !last.path("complete").asBoolean()) {
                        throw new CliFailure("the answer was cut before its checkpoint; run the same command again (nothing was confirmed)");
                    }
                    pages++;
                    reset |= last.path("reset").asBoolean();
                    for (JsonNode r : last.path("rows")) {
                        received++;
                        if (writer != null) {
                            writer.write(ctx().json.writeValueAsString(r));
                            writer.newLine();
                        } else {
                            rows.add(r);
                        }
                    }
                    last.path("removed").forEach(removed::add);
                    next = last.path("next").asText("");
                } while (!next.isEmpty());
            }
            String newCheckpoint = last.path("checkpoint").asText("");
            if (statePath != null && !newCheckpoint.isEmpty()) {
                Files.writeString(statePath, ctx().json.writeValueAsString(Map.of("checkpoint", newCheckpoint)));
            }
            Output o = out();
            if (o.json()) {
                ObjectNode doc = ctx().json.createObjectNode();
                doc.set("rows", rows);
                doc.set("removed", removed);
                doc.put("reset", reset);
                doc.put("pages", pages);
                doc.put("checkpoint", newCheckpoint.isEmpty() ? null : newCheckpoint);
                doc.put("structureVersion", last.path("structureVersion").asText(""));
                o.document(doc);
                return ExitCodes.OK;
            }
            for (JsonNode r : rows) {
                o.line(Output.text(r, "uid") + "\t" + r.path("row"));
            }
            for (JsonNode r : removed) {
                o.line(r.asText() + "\tremoved");
            }
            o.line((reset ? "whole layer: " : "delta: ") + received + " row(s)" + (rowsFile == null ? "" : " (in " + rowsFile + ")") + ", "
                    + removed.size() + " removal(s) in " + pages + " page(s)"
                    + (newCheckpoint.isEmpty() ? "" : "; checkpoint " + (statePath == null ? newCheckpoint : "kept in " + state)));
            return ExitCodes.OK;
        }
    }
}
