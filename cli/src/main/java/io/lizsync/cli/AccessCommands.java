package io.lizsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** People and API tokens (administrators). */
final class AccessCommands {

    private AccessCommands() {
    }

    @Command(name = "users", mixinStandardHelpOptions = true, description = "Users and their roles.")
    static final class Users extends GatewayCommand {
        @Override
        public Integer call() throws IOException {
            JsonNode r = gw().get("/api/v1/users");
            List<JsonNode> items = r.isArray() ? java.util.stream.StreamSupport.stream(r.spliterator(), false).toList()
                    : ReviewCommands.list(r);
            out().table(items, "id", "login", "displayName", "roles");
            return ExitCodes.OK;
        }
    }

    @Command(name = "tokens", mixinStandardHelpOptions = true, description = "API tokens (never their secrets).")
    static final class Tokens extends GatewayCommand {
        @Option(names = "--user-id", paramLabel = "UUID", description = "only this user's")
        String userId;

        @Override
        public Integer call() throws IOException {
            JsonNode r = gw().get("/api/v1/tokens" + (userId == null ? "" : "?user=" + Ids.uuid("--user-id", userId,
                    "a user id")));
            List<JsonNode> items = java.util.stream.StreamSupport.stream(r.spliterator(), false).toList();
            out().table(items, "id", "name", "userId", "scopes", "createdAt");
            return ExitCodes.OK;
        }
    }

    @Command(name = "token-create", mixinStandardHelpOptions = true,
            description = "Make an API token for a script; its secret (lzt_...) is printed once, alone on stdout.")
    static final class TokenCreate extends GatewayCommand {
        @Option(names = "--user-id", required = true, paramLabel = "UUID")
        String userId;
        @Option(names = "--name", required = true, paramLabel = "NAME")
        String name;
        @Option(names = "--scopes", required = true, split = ",", paramLabel = "role:operator,...",
                description = "role:operator, role:field, role:* or *")
        List<String> scopes;

        @Override
        public Integer call() throws IOException {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("userId", Ids.uuid("--user-id", userId, "a user id"));
            body.put("name", name);
            body.put("scopes", scopes);
            JsonNode r = gw().post("/api/v1/tokens", body, GatewayClient.SHORT);
            Output o = out();
            if (o.json()) {
                o.document(r);
            } else {
                o.line(Output.text(r, "secret")); // asked for: shown this once
            }
            o.stream().flush();
            ctx().err.println("OK: API token " + Output.text(r.path("token"), "id") + " ('" + name + "'); keep the"
                    + " secret: it is not shown again");
            return ExitCodes.OK;
        }
    }
}
