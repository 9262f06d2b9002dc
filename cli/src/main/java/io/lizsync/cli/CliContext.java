package io.lizsync.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What every command works with: the streams, the environment, the home directory, and from
 * them the configuration file, the gateway client (with the caller's credential) and the kept
 * session. Tests build one with their own streams and environment.
 */
final class CliContext {

    final PrintStream out;
    final PrintStream err;
    final InputStream in;
    final Map<String, String> env;
    final Path home;
    /** True when stderr is a terminal: the progress bar is redrawn in place. */
    final boolean terminal;
    final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private CliConfig config;

    CliContext(PrintStream out, PrintStream err, InputStream in, Map<String, String> env, Path home, boolean terminal) {
        this.out = out;
        this.err = err;
        this.in = in;
        this.env = env;
        this.home = home;
        this.terminal = terminal;
    }

    static CliContext system() {
        return new CliContext(System.out, System.err, System.in, System.getenv(),
                Path.of(System.getProperty("user.home", ".")), System.console() != null);
    }

    CliConfig config(Options.Common common) {
        if (config == null) {
            config = CliConfig.load(common.config, env, home);
        }
        return config;
    }

    Output output(Options.Common common) {
        return new Output(out, common.json, json);
    }

    SessionStore sessions() {
        return SessionStore.inConfigDir(env, home);
    }

    GatewayTarget target(Options.Common common, Options.Gateway gateway) {
        return targetOf(config(common).gateway(gateway.url, env));
    }

    /** The gateway at {@code url}, checked against {@code LIZSYNC_CA_FILE} (and plain http only on loopback). */
    GatewayTarget targetOf(String url) {
        String ca = env.getOrDefault("LIZSYNC_CA_FILE", "").strip();
        return GatewayTarget.of(url, ca.isEmpty() ? Optional.empty() : Optional.of(Path.of(ca)),
                Boolean.parseBoolean(env.getOrDefault("LIZSYNC_INSECURE_PLAINTEXT", "false")));
    }

    /**
     * The gateway as the caller: an API token ({@code --token}, {@code $LIZSYNC_API_TOKEN}, the
     * file's {@code token}), else the session {@code lizsync login} opened at that gateway, else
     * nobody (the gateway answers 401, which says to log in).
     */
    GatewayClient gateway(Options.Common common, Options.Gateway gateway) throws IOException {
        GatewayTarget target = target(common, gateway);
        String token = config(common).token(gateway.token, env);
        if (token == null) {
            token = sessions().tokenFor(target.base().toString()).orElse(null);
        }
        return new GatewayClient(target, token, json);
    }

    /** The gateway without a credential (logging in). */
    GatewayClient anonymous(Options.Common common, Options.Gateway gateway) {
        return new GatewayClient(target(common, gateway), null, json);
    }

    JobFollower follower(GatewayClient gateway) {
        return new JobFollower(gateway, json, new ProgressBar(err, terminal), err);
    }
}
