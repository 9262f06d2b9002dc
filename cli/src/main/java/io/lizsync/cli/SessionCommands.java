package io.lizsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** login, logout, whoami: the session kept for the gateway (SessionStore). */
final class SessionCommands {

    /** The session cookie's name (the gateway's SessionCookies). */
    static final String COOKIE = "lizsync_session";

    private SessionCommands() {
    }

    @Command(name = "login", mixinStandardHelpOptions = true,
            description = "Open a session at the gateway and keep it in ~/.config/lizsync/session (0600); the password"
                    + " is prompted (not echoed), or read from --password-file or one line of standard input.")
    static final class Login implements Callable<Integer> {
        @ParentCommand
        LizsyncCommand root;
        @Mixin
        Options.Common common;
        @Mixin
        Options.Gateway gateway;
        @Option(names = "--user", required = true, paramLabel = "LOGIN", description = "your login")
        String user;
        @Option(names = "--password-file", paramLabel = "FILE", description = "a file whose first line is the password")
        String passwordFile;

        @Override
        public Integer call() throws IOException {
            CliContext ctx = root.context;
            GatewayClient gw = ctx.anonymous(common, gateway);
            String password = Passwords.read(passwordFile, ctx.terminal ? System.console() : null, ctx.in, user);
            GatewayClient.Answer a = gw.send("POST", "/api/v1/session", Map.of("login", user, "password", password),
                    GatewayClient.SHORT);
            String token = a.headers().allValues("set-cookie").stream()
                    .filter(c -> c.startsWith(COOKIE + "="))
                    .map(c -> c.substring(COOKIE.length() + 1).split(";", 2)[0]).findFirst()
                    .orElseThrow(() -> new CliFailure("the gateway opened no session (no " + COOKIE + " cookie)"));
            JsonNode body = a.body();
            String expires = Output.text(body, "expiresAt");
            ctx.sessions().save(new SessionStore.Session(gw.target().base().toString(), token,
                    body.path("user").path("login").asText(user), expires.isEmpty() ? null : Instant.parse(expires)));
            Output o = ctx.output(common);
            if (o.json()) {
                o.document(((com.fasterxml.jackson.databind.node.ObjectNode) body.deepCopy()).without("csrfToken")); // the CLI needs none; never shown
            } else {
                o.line("OK: logged in as " + body.path("user").path("login").asText(user) + " ("
                        + String.join(", ", ctx.json.convertValue(body.path("user").path("roles"), String[].class))
                        + ") at " + gw.target().base() + ", session until " + expires);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "logout", mixinStandardHelpOptions = true, description = "Close the kept session (at the gateway too).")
    static final class Logout implements Callable<Integer> {
        @ParentCommand
        LizsyncCommand root;
        @Mixin
        Options.Common common;

        @Override
        public Integer call() throws IOException {
            CliContext ctx = root.context;
            SessionStore store = ctx.sessions();
            var session = store.load();
            if (session.isEmpty()) {
                store.delete();
                ctx.output(common).line("OK: no session was open");
                return ExitCodes.OK;
            }
            GatewayTarget target = ctx.targetOf(session.get().gateway());
            try {
                new GatewayClient(target, session.get().token(), ctx.json).delete("/api/v1/session");
            } catch (ApiException | Unreachable e) {
                // the local session goes anyway; the gateway's expires by itself
                ctx.err.println("lizsync: note: the gateway did not close the session (" + e.getMessage().lines()
                        .findFirst().orElse("") + "); it expires by itself");
            }
            store.delete();
            ctx.output(common).line("OK: logged out");
            return ExitCodes.OK;
        }
    }

    @Command(name = "whoami", mixinStandardHelpOptions = true, description = "Who the gateway takes you for: login and roles.")
    static final class Whoami implements Callable<Integer> {
        @ParentCommand
        LizsyncCommand root;
        @Mixin
        Options.Common common;
        @Mixin
        Options.Gateway gateway;

        @Override
        public Integer call() throws IOException {
            JsonNode me = root.context.gateway(common, gateway).get("/api/v1/session");
            Output o = root.context.output(common);
            if (o.json()) {
                o.document(me);
            } else {
                o.line("login: " + Output.text(me, "login"));
                o.line("id: " + Output.text(me, "id"));
                o.line("roles: " + String.join(", ", root.context.json.convertValue(me.path("roles"), String[].class)));
            }
            return ExitCodes.OK;
        }
    }
}
