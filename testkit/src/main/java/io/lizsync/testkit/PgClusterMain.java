package io.lizsync.testkit;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command line for the local demo scripts: starts clusters that outlive the JVM and stops them.
 *
 * <pre>
 * java -cp lizsync-testkit.jar:postgresql.jar io.lizsync.testkit.PgClusterMain start --name N --dir D [--port P] [--db DB] [--require-password]
 * java -cp lizsync-testkit.jar io.lizsync.testkit.PgClusterMain stop --dir D [--delete]
 * java -cp lizsync-testkit.jar io.lizsync.testkit.PgClusterMain status --dir D
 * </pre>
 *
 * {@code start} prints one line of JSON describing the cluster (including its password, which is
 * what the scripts need it for); starting a directory whose server already runs prints the same
 * line again. {@code stop} and {@code status} need no JDBC driver.
 * Exit codes: 0 done, 1 failed, 2 usage error, 3 ({@code status}) not running.
 */
public final class PgClusterMain {

    private static final String USAGE = String.join("\n",
            "usage: PgClusterMain start --name N --dir D [--port P] [--db DB] [--require-password]",
            "       PgClusterMain stop --dir D [--delete]",
            "       PgClusterMain status --dir D");
    private static final Set<String> FLAGS = Set.of("--require-password", "--delete");

    private PgClusterMain() {
    }

    public static void main(String[] args) {
        // stdout is parsed by scripts; keep the library's informational logging off stderr too
        java.util.logging.Logger.getLogger("io.lizsync.testkit").setLevel(java.util.logging.Level.WARNING);
        System.exit(run(args, System.out, System.err));
    }

    /** The whole command; returns the exit code instead of exiting (testable in-process). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(USAGE);
            return 2;
        }
        Map<String, String> opts;
        try {
            opts = parse(List.of(args).subList(1, args.length));
        } catch (IllegalArgumentException e) {
            err.println("PgClusterMain: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        String dir = opts.get("--dir");
        if (dir == null) {
            err.println("PgClusterMain: --dir is required");
            err.println(USAGE);
            return 2;
        }
        Path dataDir = Path.of(dir).toAbsolutePath().normalize();
        try {
            switch (args[0]) {
                case "start":
                    return start(opts, dataDir, out, err);
                case "stop":
                    boolean wasRunning = PgCluster.stopDataDir(dataDir);
                    if (opts.containsKey("--delete")) {
                        PgCluster.deleteRecursively(dataDir);
                    }
                    out.println("{\"dataDir\":" + json(dataDir.toString()) + ",\"wasRunning\":" + wasRunning + "}");
                    return 0;
                case "status":
                    if (!PgCluster.isRunning(dataDir)) {
                        out.println("{\"dataDir\":" + json(dataDir.toString()) + ",\"running\":false}");
                        return 3;
                    }
                    out.println(describe(PgCluster.attach(dataDir)));
                    return 0;
                default:
                    err.println("PgClusterMain: unknown command " + args[0]);
                    err.println(USAGE);
                    return 2;
            }
        } catch (NumberFormatException e) {
            err.println("PgClusterMain: --port must be a number");
            return 2;
        } catch (RuntimeException e) {
            err.println("PgClusterMain: " + e.getMessage());
            return 1;
        }
    }

    private static int start(Map<String, String> opts, Path dataDir, PrintStream out, PrintStream err) {
        if (PgCluster.isRunning(dataDir)) {
            // idempotent, so that a script re-run does not fail on a server it started before
            PgCluster running = PgCluster.attach(dataDir);
            String port = opts.get("--port");
            if (port != null && Integer.parseInt(port) != running.port()) {
                err.println("PgClusterMain: already running in " + dataDir + " on port " + running.port()
                        + ", not " + port);
            }
            out.println(describe(running));
            return 0;
        }
        String name = opts.getOrDefault("--name", dataDir.getFileName().toString());
        PgCluster.Options o = PgCluster.options(name).dataDir(dataDir).detached(true)
                .requirePassword(opts.containsKey("--require-password"));
        if (opts.containsKey("--port")) {
            o.port(Integer.parseInt(opts.get("--port")));
        }
        if (opts.containsKey("--db")) {
            o.database(opts.get("--db"));
        }
        out.println(describe(o.start()));
        return 0;
    }

    private static Map<String, String> parse(List<String> args) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (FLAGS.contains(a)) {
                opts.put(a, "true");
            } else if (Set.of("--name", "--dir", "--port", "--db").contains(a)) {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                opts.put(a, args.get(++i));
            } else {
                throw new IllegalArgumentException("unknown argument " + a);
            }
        }
        return opts;
    }

    /** One line of JSON; the demo scripts read it with sed, so keys are unspaced {@code "key":value}. */
    static String describe(PgCluster c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("host", c.host());
        m.put("port", c.port());
        m.put("database", c.database());
        m.put("user", c.user());
        m.put("password", c.password());
        m.put("jdbcUrl", c.jdbcUrl());
        m.put("reactiveUrl", c.reactiveUrl());
        m.put("dataDir", c.dataDir().toString());
        m.put("logFile", c.logFile().toString());
        StringBuilder sb = new StringBuilder("{");
        m.forEach((k, v) -> {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append(json(k)).append(':').append(v instanceof Integer ? v.toString() : json(v.toString()));
        });
        return sb.append('}').toString();
    }

    static String json(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        sb.append(String.format("\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
