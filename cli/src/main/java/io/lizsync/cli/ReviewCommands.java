package io.lizsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Sync history and conflicts through the gateway. */
final class ReviewCommands {

    private ReviewCommands() {
    }

    @Command(name = "history", mixinStandardHelpOptions = true, description = "Sync history, newest first.")
    static final class History extends GatewayCommand {
        @Option(names = "--clone", paramLabel = "UUID", description = "only this clone's")
        String clone;
        @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "1 to 500 (default: ${DEFAULT-VALUE})")
        int limit;

        @Override
        public Integer call() throws IOException {
            String path = "/api/v1/sync/history?limit=" + limit
                    + (clone == null ? "" : "&clone=" + Ids.uuid("--clone", clone, "a clone id"));
            List<JsonNode> items = list(gw().get(path));
            out().table(items, "syncId", "syncTime", "serverFrom", "serverTo", "syncType", "syncStatus");
            return ExitCodes.OK;
        }
    }

    @Command(name = "conflicts", mixinStandardHelpOptions = true, description = "Conflicts, newest first.")
    static final class Conflicts extends GatewayCommand {
        @Option(names = "--clone", paramLabel = "UUID", description = "only this clone's")
        String clone;
        @Option(names = "--pending", description = "only those waiting for a decision")
        boolean pending;
        @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "1 to 500 (default: ${DEFAULT-VALUE})")
        int limit;

        @Override
        public Integer call() throws IOException {
            String path = "/api/v1/conflicts?limit=" + limit + (pending ? "&pending=true" : "")
                    + (clone == null ? "" : "&clone=" + Ids.uuid("--clone", clone, "a clone id"));
            out().table(list(gw().get(path)), "id", "conflictTime", "schema", "table", "uid", "field", "winner");
            return ExitCodes.OK;
        }
    }

    @Command(name = "conflict-resolve", mixinStandardHelpOptions = true,
            description = "Decide a conflict: the central or the clone value wins, or a value you type.")
    static final class Resolve extends GatewayCommand {
        @Option(names = "--id", required = true, paramLabel = "N", description = "the conflict's id")
        long id;
        @Option(names = "--winner", paramLabel = "central|clone", description = "whose value stands")
        Winner winner;
        @Option(names = "--value", paramLabel = "TEXT",
                description = "a value instead of either side's (the field's text form), written on central")
        String value;

        enum Winner { central, clone }

        @Override
        public Integer call() throws IOException {
            if (id <= 0) {
                throw new UsageException("--id must be a positive conflict id");
            }
            if ((winner == null) == (value == null)) {
                throw new UsageException("give exactly one of --winner and --value");
            }
            Map<String, String> body = value == null ? Map.of("winner", winner.name())
                    : Map.of("winner", "value", "value", value);
            JsonNode r = gw().post("/api/v1/conflicts/" + id + "/resolution", body, GatewayClient.SHORT);
            Output o = out();
            if (o.json()) {
                o.document(r);
            } else {
                o.line("OK: conflict " + id + " resolved, " + (value == null ? winner + " wins" : "the typed value stands"));
            }
            return ExitCodes.OK;
        }
    }

    static List<JsonNode> list(JsonNode page) {
        return java.util.stream.StreamSupport.stream(page.path("items").spliterator(), false).toList();
    }
}
