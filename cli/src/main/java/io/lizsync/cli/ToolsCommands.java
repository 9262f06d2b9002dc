package io.lizsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** The seed's central database tools through the gateway: status, install, upgrade, prepare. */
final class ToolsCommands {

    static final String TOOLS = "/api/v1/central/tools";

    private ToolsCommands() {
    }

    /** An OperationResult as the gateway answers it: OK (status 1) or REFUSED, with the versions. */
    static int report(Output o, JsonNode r) {
        boolean ok = r.path("status").asInt() == 1;
        if (o.json()) {
            o.document(r);
        } else {
            o.line((ok ? "OK: " : "REFUSED: ") + Output.text(r, "message"));
            if (r.path("appliedVersions").size() > 0) {
                o.line("  applied versions: " + r.path("appliedVersions"));
            }
            if (r.path("pendingVersions").size() > 0) {
                o.line("  pending versions: " + r.path("pendingVersions"));
            }
        }
        return ok ? ExitCodes.OK : ExitCodes.FAILED;
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Tools version, pending upgrades and server id of the central database.")
    static final class Status extends GatewayCommand {
        @Override
        public Integer call() throws IOException {
            JsonNode s = gw().get(TOOLS);
            Output o = out();
            if (o.json()) {
                o.document(s);
                return ExitCodes.OK;
            }
            o.line("installed: " + s.path("installed").asBoolean());
            o.line("installed version: " + Output.text(s, "installedVersion"));
            o.line("latest version: " + Output.text(s, "latestVersion"));
            o.line("pending: " + s.path("pendingVersions"));
            o.line("server id: " + Output.text(s, "serverId"));
            o.line("server name: " + Output.text(s, "serverName"));
            return ExitCodes.OK;
        }
    }

    @Command(name = "install", mixinStandardHelpOptions = true,
            description = "Install the audit and lizsync schemas in the central database (refused if they exist,"
                    + " unless overridden: the override drops them and all their data first).")
    static final class Install extends GatewayCommand {
        @Option(names = "--override-audit", description = "drop schema audit first (the seed's OVERRIDE_AUDIT)")
        boolean overrideAudit;
        @Option(names = "--override-lizsync", description = "drop schema lizsync first (OVERRIDE_LIZSYNC)")
        boolean overrideLizsync;
        @Option(names = "--target-version", paramLabel = "V", description = "install this version (default: the latest)")
        String targetVersion;

        @Override
        public Integer call() throws IOException {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("overrideAudit", overrideAudit);
            body.put("overrideLizsync", overrideLizsync);
            body.put("targetVersion", targetVersion == null ? "" : targetVersion);
            return report(out(), gw().post(TOOLS + "/install", body, GatewayClient.LONG));
        }
    }

    @Command(name = "upgrade", mixinStandardHelpOptions = true,
            description = "Apply every newer tools version, in order (without --runit: show them, change nothing).")
    static final class Upgrade extends GatewayCommand {
        @Option(names = {"--runit", "--run-it"}, description = "apply them (the seed's RUNIT)")
        boolean runIt;

        @Override
        public Integer call() throws IOException {
            return report(out(), gw().post(TOOLS + "/upgrade", Map.of("runIt", runIt), GatewayClient.LONG));
        }
    }

    @Command(name = "prepare", mixinStandardHelpOptions = true,
            description = "Add server id, uid columns and audit triggers to the tables of the given schemas.")
    static final class Prepare extends GatewayCommand {
        @Option(names = "--schemas", required = true, paramLabel = "a,b", description = "schemas, comma separated")
        String schemas;
        @Option(names = "--add-server-id", arity = "1", paramLabel = "true|false", defaultValue = "true",
                description = "set central's server id (default: ${DEFAULT-VALUE})")
        boolean addServerId;
        @Option(names = "--add-uid-columns", arity = "1", paramLabel = "true|false", defaultValue = "true",
                description = "add a uid column where missing (default: ${DEFAULT-VALUE})")
        boolean addUidColumns;
        @Option(names = "--add-audit-triggers", arity = "1", paramLabel = "true|false", defaultValue = "true",
                description = "add the audit triggers (default: ${DEFAULT-VALUE})")
        boolean addAuditTriggers;
        @Option(names = "--server-name", paramLabel = "NAME", description = "central's server name")
        String serverName;

        @Override
        public Integer call() throws IOException {
            List<String> names = Arrays.stream(schemas.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            if (names.isEmpty()) {
                throw new UsageException("--schemas needs at least one schema name");
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("schemas", names);
            body.put("addServerId", addServerId);
            body.put("addUidColumns", addUidColumns);
            body.put("addAuditTriggers", addAuditTriggers);
            if (serverName != null) {
                body.put("serverName", serverName);
            }
            JsonNode r = gw().post(TOOLS + "/prepare", body, GatewayClient.LONG);
            Output o = out();
            boolean ok = r.path("status").asInt() == 1;
            if (o.json()) {
                o.document(r);
                return ok ? ExitCodes.OK : ExitCodes.FAILED;
            }
            for (JsonNode t : r.path("tables")) {
                o.printf("  %-40s %-17s%s%s%s%n", t.path("schema").asText() + "." + t.path("table").asText(),
                        t.path("outcome").asText(),
                        t.path("uidColumnAdded").asBoolean() ? " uid added (" + t.path("uidValuesFilled").asLong()
                                + " rows filled)" : "",
                        t.path("auditTriggerAdded").asBoolean() ? " audit trigger added" : "",
                        Output.text(t, "refusalReason").isEmpty() ? "" : " " + Output.text(t, "refusalReason"));
            }
            for (JsonNode s : r.path("refusedSchemas")) {
                o.printf("  schema %-33s REFUSED %s%n", s.path("schema").asText(), Output.text(s, "reason"));
            }
            o.line((ok ? "OK: " : "REFUSED: ") + Output.text(r, "message"));
            return ok ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }
}
