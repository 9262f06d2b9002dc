package io.lizsync.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where the CLI goes, in the spirit of libpq's {@code pg_service.conf}: a file of {@code key = value}
 * lines ({@code gateway} URL, {@code sidecar} and {@code registry} HOST:PORT, an API {@code token}),
 * {@code #} starting a comment line. The file is {@code --config FILE}, else {@code $LIZSYNC_CONFIG},
 * else {@code $XDG_CONFIG_HOME/lizsync/cli.conf} (by default {@code ~/.config/lizsync/cli.conf});
 * only the last may be missing. A value comes from its command-line option, else its environment
 * variable, else the file, else the default. A file holding a token must be readable by its owner
 * only (0600), as ssh wants of a key; no password is ever taken from it.
 */
final class CliConfig {

    /** The environment variable of each address key. */
    static final Map<String, String> ENV = Map.of(
            "gateway", "LIZSYNC_GATEWAY",
            "token", "LIZSYNC_API_TOKEN",
            "sidecar", "LIZSYNC_SIDECAR");

    /** The default of each address key (the ports of DEVELOPING.md). */
    static final Map<String, String> DEFAULTS = Map.of(
            "sidecar", "127.0.0.1:8090");

    /** The gateway on this machine (plain http is taken on loopback only). */
    static final String DEFAULT_GATEWAY = "http://127.0.0.1:8080";

    /** Keys of earlier versions, which talked to each service: now the gateway serves them. */
    private static final java.util.Set<String> OBSOLETE = java.util.Set.of("central", "packaging", "registry");

    private final Map<String, String> values;
    private final String source;

    private CliConfig(Map<String, String> values, String source) {
        this.values = values;
        this.source = source;
    }

    /** No file. */
    static CliConfig empty() {
        return new CliConfig(Map.of(), "");
    }

    /**
     * Finds and reads the file. {@code flagPath} is the value of {@code --config} (null when not
     * given); {@code home} is the user's home directory.
     */
    static CliConfig load(String flagPath, Map<String, String> env, Path home) {
        Path file;
        boolean explicit = true;
        if (flagPath != null) {
            if (flagPath.isBlank()) {
                throw new UsageException("--config needs a file name");
            }
            file = Path.of(flagPath);
        } else if (!blank(env.get("LIZSYNC_CONFIG"))) {
            file = Path.of(env.get("LIZSYNC_CONFIG"));
        } else {
            explicit = false;
            String xdg = env.get("XDG_CONFIG_HOME");
            // The XDG base directory rules ignore a relative XDG_CONFIG_HOME.
            Path base = !blank(xdg) && Path.of(xdg).isAbsolute() ? Path.of(xdg) : home.resolve(".config");
            file = base.resolve("lizsync").resolve("cli.conf");
        }
        if (!Files.exists(file)) {
            if (explicit) {
                throw new UsageException("configuration file " + file + " does not exist");
            }
            return empty();
        }
        try {
            CliConfig config = parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
            if (config.values.containsKey("token")) {
                requireOwnerOnly(file);
            }
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the configuration file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses the lines of a file; {@code source} names it in error messages. */
    static CliConfig parse(List<String> lines, String source) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            String where = source + ", line " + (i + 1) + ": ";
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new UsageException(where + "expected key = value");
            }
            String key = line.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(eq + 1).strip();
            if (key.contains("password") || key.contains("secret") || key.contains("credential")) {
                throw new UsageException(where + "'" + key + "' does not belong here: the CLI takes no"
                        + " passwords (the services hold the database credentials)");
            }
            if (OBSOLETE.contains(key)) {
                throw new UsageException(where + "'" + key + "' is no longer used: the CLI reaches central through"
                        + " the gateway (key gateway = https://HOST:PORT); remove the line");
            }
            if (!ENV.containsKey(key)) {
                throw new UsageException(where + "unknown key '" + key + "' (known: gateway, token, sidecar, registry)");
            }
            if (values.containsKey(key)) {
                throw new UsageException(where + "'" + key + "' is set twice");
            }
            try {
                if (DEFAULTS.containsKey(key)) {
                    checkHostPort(value);
                } else if (key.equals("token") && !value.startsWith("lzt_")) {
                    throw new UsageException("token must be an API token (lzt_...)");
                }
            } catch (UsageException e) {
                throw new UsageException(where + e.getMessage());
            }
            values.put(key, value);
        }
        return new CliConfig(Map.copyOf(values), source);
    }

    /** The address of {@code key}: {@code flagValue}, else the environment, else the file, else the default. */
    String address(String key, String flagValue, Map<String, String> env) {
        if (!DEFAULTS.containsKey(key)) {
            throw new IllegalArgumentException("no address key " + key);
        }
        if (flagValue != null) {
            return checkHostPort(flagValue);
        }
        String fromEnv = env.get(ENV.get(key));
        if (!blank(fromEnv)) {
            return checkHostPort(fromEnv.strip());
        }
        return values.getOrDefault(key, DEFAULTS.get(key));
    }

    /** The gateway's base URL: {@code flagValue}, else {@code $LIZSYNC_GATEWAY}, else the file, else the default. */
    String gateway(String flagValue, Map<String, String> env) {
        return firstOf(flagValue, env.get("LIZSYNC_GATEWAY"), values.get("gateway"), DEFAULT_GATEWAY);
    }

    /** The API token: {@code flagValue}, else {@code $LIZSYNC_API_TOKEN}, else the file; null when none. */
    String token(String flagValue, Map<String, String> env) {
        return firstOf(flagValue, env.get("LIZSYNC_API_TOKEN"), values.get("token"), null);
    }

    private static String firstOf(String flag, String fromEnv, String fromFile, String fallback) {
        if (flag != null) {
            if (flag.isBlank()) {
                throw new UsageException("an option was given an empty value");
            }
            return flag.strip();
        }
        if (!blank(fromEnv)) {
            return fromEnv.strip();
        }
        return fromFile != null ? fromFile : fallback;
    }

    /** A file holding a secret must be the owner's alone. */
    static void requireOwnerOnly(Path file) throws IOException {
        try {
            var perms = Files.getPosixFilePermissions(file);
            if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                throw new UsageException(file + " holds a token but others may read it: chmod 600 " + file);
            }
        } catch (UnsupportedOperationException notPosix) {
            // no POSIX permissions to check (Windows): the file's ACL is the user's business
        }
    }

    /** True when the file sets {@code key}. */
    boolean hasValue(String key) {
        return values.containsKey(key);
    }

    /** Where the file values came from; empty when there was no file. */
    String source() {
        return source;
    }

    /** Refuses anything but {@code HOST:PORT} (an IPv6 host in brackets: {@code [::1]:8083}). */
    static String checkHostPort(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        String host = colon > 0 ? hostPort.substring(0, colon) : "";
        int port = -1;
        if (colon > 0) {
            try {
                port = Integer.parseInt(hostPort.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
        }
        if (host.isBlank() || port < 1 || port > 65535 || host.chars().anyMatch(Character::isWhitespace)) {
            throw new UsageException("expected HOST:PORT, got '" + hostPort + "'");
        }
        return hostPort;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
