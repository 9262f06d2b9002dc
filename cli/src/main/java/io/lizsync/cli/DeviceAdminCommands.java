package io.lizsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lizsync device list | block | unblock | forget}: administrators' device commands (ADR 0021). */
final class DeviceAdminCommands {

    private DeviceAdminCommands() {
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Devices (administrators).")
    static final class ListDevices extends DeviceCommands.Sub {
        @Option(names = "--user", paramLabel = "UUID", description = "only this user's")
        String user;

        @Override
        public Integer call() throws IOException {
            String path = "/api/v1/devices" + (user == null ? "" : "?user=" + Ids.uuid("--user", user, "a user id"));
            out().table(ReviewCommands.list(gw().get(path)), "id", "name", "userId", "lastSeenAt", "blocked");
            return ExitCodes.OK;
        }
    }

    /** An administrator's action on one device. */
    abstract static class Admin extends DeviceCommands.WithDevice {
        JsonNode act(String method, String suffix) throws IOException {
            JsonNode r = gw().send(method, "/api/v1/devices/" + deviceId() + suffix, null, GatewayClient.SHORT).body();
            Output o = out();
            if (o.json()) {
                o.document(r);
            }
            return r;
        }
    }

    @Command(name = "block", mixinStandardHelpOptions = true, description = "Block a device (administrators).")
    static final class Block extends Admin {
        @Override
        public Integer call() throws IOException {
            act("POST", "/block");
            out().line("OK: device " + device + " blocked");
            return ExitCodes.OK;
        }
    }

    @Command(name = "unblock", mixinStandardHelpOptions = true, description = "Unblock a device (administrators).")
    static final class Unblock extends Admin {
        @Override
        public Integer call() throws IOException {
            act("POST", "/unblock");
            out().line("OK: device " + device + " unblocked");
            return ExitCodes.OK;
        }
    }

    @Command(name = "forget", mixinStandardHelpOptions = true,
            description = "Forget a device and its download positions (administrators).")
    static final class Forget extends Admin {
        @Override
        public Integer call() throws IOException {
            JsonNode r = act("DELETE", "");
            out().line("OK: device " + device + " forgotten (" + r.path("positionsDropped").asLong() + " position(s) dropped)");
            return ExitCodes.OK;
        }
    }
}
