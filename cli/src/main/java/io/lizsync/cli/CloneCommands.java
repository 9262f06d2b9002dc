package io.lizsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.lizsync.proto.sync.v1.AttachRequest;
import io.lizsync.proto.sync.v1.CloneAgentGrpc;
import io.lizsync.proto.sync.v1.TableName;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Clones through the gateway: tickets, join, revoke, list, show, tables. */
final class CloneCommands {

    static final String CLONES = "/api/v1/clones";

    private CloneCommands() {
    }

    @Command(name = "registration-ticket", mixinStandardHelpOptions = true,
            description = "A single-use registration ticket for a clone, alone on stdout (> FILE), what it registers on"
                    + " stderr; carry FILE to a clone without network: deploy ... --registration-ticket-file FILE.")
    static final class RegistrationTicket extends GatewayCommand {
        static final class What {
            @Option(names = "--package-id", required = true, paramLabel = "ID", description = "for a deploy of this package")
            String packageId;
            @Option(names = "--tables", required = true, paramLabel = "s.t1,s.t2",
                    description = "for a clone joined with its data (join-clone)")
            String tables;
        }

        @Option(names = "--name", required = true, paramLabel = "CLONE_NAME")
        String name;
        @ArgGroup(exclusive = true, multiplicity = "1")
        What what;
        @Option(names = "--clone-id", paramLabel = "UUID", description = "redeploy this clone (keeps its id)")
        String cloneId;
        @Option(names = "--valid-for-hours", paramLabel = "H", description = "1 to 720 (default: the registry's, 24)")
        Integer validForHours;

        @Override
        public Integer call() throws IOException {
            String clone = cloneId == null ? "" : Ids.uuid("--clone-id", cloneId, "a clone id");
            if (validForHours != null && (validForHours < 1 || validForHours > Tickets.MAX_VALID_FOR_HOURS)) {
                throw new UsageException("--valid-for-hours must be 1 to " + Tickets.MAX_VALID_FOR_HOURS);
            }
            Long seconds = validForHours == null ? null : 3600L * validForHours;
            GatewayClient gw = gw();
            JsonNode t;
            if (what.packageId != null) {
                String id = Ids.uuid("--package-id", what.packageId, "a package id");
                JsonNode pkg = gw.get(PackageCommands.PACKAGES + "/" + id);
                t = Tickets.issue(gw, name.strip(), clone, Tickets.tablesOf(pkg), id, Output.text(pkg, "historySyncId"),
                        seconds);
            } else {
                t = Tickets.issue(gw, name.strip(), clone, Tickets.tables(NameList.tables("tables", what.tables)), "", "",
                        seconds);
            }
            Output o = out();
            if (o.json()) {
                o.document(t);
            } else {
                o.line(Output.text(t, "ticket"));
            }
            o.stream().flush();
            ctx().err.println("OK: " + Tickets.describe(t));
            ctx().err.println(what.packageId != null
                    ? "Single use: deploy the package with it, lizsync deploy ... --registration-ticket-file FILE"
                    : "Single use: for the Attach of the clone's sidecar (join-clone)");
            return ExitCodes.OK;
        }
    }

    @Command(name = "join-clone", mixinStandardHelpOptions = true,
            description = "Attach the sidecar's database, whose tables already hold central's data: a ticket without"
                    + " package from the gateway, then the sidecar's Attach (it makes the clone's id and registers it).")
    static final class JoinClone extends GatewayCommand {
        @Mixin
        Options.Sidecar sidecar;
        @Option(names = "--name", required = true, paramLabel = "CLONE_NAME")
        String name;
        @Option(names = "--tables", required = true, paramLabel = "s.t1,s.t2")
        String tables;

        @Override
        public Integer call() throws IOException {
            List<NameList.Table> list = NameList.tables("tables", tables);
            JsonNode t = Tickets.issue(gw(), name.strip(), "", Tickets.tables(list), "", "", Tickets.ATTACH_SECONDS);
            ctx().err.println("lizsync: " + Tickets.describe(t));
            var attach = AttachRequest.newBuilder().setCloneName(name.strip()).setRegistrationTicket(Output.text(t, "ticket"));
            for (NameList.Table table : list) {
                attach.addTables(TableName.newBuilder().setSchemaName(table.schema()).setTableName(table.table()));
            }
            var r = Sidecar.call(ctx(), common, sidecar, "join-clone", ch -> CloneAgentGrpc.newBlockingStub(ch)
                    .withDeadlineAfter(10, TimeUnit.MINUTES).attach(attach.build()));
            boolean ok = r.getStatus() == 1;
            Output o = out();
            if (o.json()) {
                o.document(ctx().json.valueToTree(Map.of("status", r.getStatus(), "message", r.getMessage())));
            } else {
                o.line((ok ? "OK: " : "REFUSED: ") + r.getMessage());
            }
            return ok ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    @Command(name = "revoke-clone", mixinStandardHelpOptions = true,
            description = "Revoke every exchange credential of a clone: its next sync is refused.")
    static final class RevokeClone extends GatewayCommand {
        @Option(names = {"--clone-id", "--clone"}, required = true, paramLabel = "UUID")
        String cloneId;

        @Override
        public Integer call() throws IOException {
            String id = Ids.uuid("--clone-id", cloneId, "a clone id");
            JsonNode r = gw().post(CLONES + "/" + id + "/revoke", null, GatewayClient.SHORT);
            Output o = out();
            int revoked = r.path("credentialsRevoked").asInt();
            if (o.json()) {
                o.document(r);
            } else {
                o.line(revoked == 0 ? "OK: clone " + id + " had no valid credential; nothing revoked"
                        : "OK: " + revoked + (revoked == 1 ? " credential" : " credentials") + " of clone " + id
                                + " revoked; its next sync is refused");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "clones", mixinStandardHelpOptions = true,
            description = "Clones: changes waiting both ways, last sync, open assignment.")
    static final class Clones extends GatewayCommand {
        @Option(names = "--limit", paramLabel = "N", description = "only the first N (1 to 500)")
        Integer limit;

        @Override
        public Integer call() throws IOException {
            List<JsonNode> all = Pages.collect(gw(), CLONES, limit, ctx().err, "clones");
            Output o = out();
            if (o.json()) {
                o.document(ctx().json.valueToTree(Map.of("items", all)));
                return ExitCodes.OK;
            }
            o.printf("%-36s  %-20s  %9s  %10s  %-27s  %s%n", "id", "name", "to clone", "to central", "last sync",
                    "assignment");
            for (JsonNode c : all) {
                o.printf("%-36s  %-20s  %9s  %10s  %-27s  %s%n", Output.text(c, "id"), Output.text(c, "name"),
                        Output.text(c.path("toClone"), "changes"), Output.text(c.path("toCentral"), "changes"),
                        Output.text(c, "lastSync"), Output.text(c, "openAssignment"));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "clone-show", mixinStandardHelpOptions = true, description = "One clone: contact, last sync, changes waiting both ways, its registration.")
    static final class CloneShow extends GatewayCommand {
        @Option(names = {"--clone-id", "--clone"}, required = true, paramLabel = "UUID")
        String cloneId;

        @Override
        public Integer call() throws IOException {
            JsonNode c = gw().get(CLONES + "/" + Ids.uuid("--clone-id", cloneId, "a clone id"));
            Output o = out();
            if (o.json()) {
                o.document(c);
                return ExitCodes.OK;
            }
            for (String f : List.of("id", "name", "lastContact", "lastSync", "toolsVersion", "redeployRequired",
                    "openAssignment")) {
                o.line(f + ": " + Output.text(c, f));
            }
            for (String side : List.of("toClone", "toCentral")) {
                JsonNode w = c.path(side);
                o.line(side + ": " + (w.path("changes").asLong() == 0 ? "nothing waits"
                        : Output.text(w, "changes") + " changes, the oldest edited " + Output.text(w, "oldestEditedAt")
                                + " (" + Output.text(w, "oldestAgeSeconds") + " s ago)"));
            }
            JsonNode registry = c.path("registry");
            for (String f : List.of("kind", "status", "createdAt", "description")) {
                o.line(f + ": " + Output.text(registry, f));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "clone-tables", mixinStandardHelpOptions = true, description = "The tables a clone synchronises.")
    static final class CloneTables extends GatewayCommand {
        @Option(names = {"--clone-id", "--clone"}, required = true, paramLabel = "UUID")
        String cloneId;

        @Override
        public Integer call() throws IOException {
            JsonNode t = gw().get(CLONES + "/" + Ids.uuid("--clone-id", cloneId, "a clone id") + "/tables");
            Output o = out();
            if (o.json()) {
                o.document(t);
                return ExitCodes.OK;
            }
            for (JsonNode table : t.path("tables")) {
                o.line(NameList.format(table.path("schema").asText(), table.path("table").asText()));
            }
            return ExitCodes.OK;
        }
    }
}
