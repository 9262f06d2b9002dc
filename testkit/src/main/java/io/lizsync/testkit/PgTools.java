package io.lizsync.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the PostgreSQL server binaries and runs them as the right OS user.
 *
 * <p>initdb, pg_ctl and postgres refuse to run as root, so when the JVM is root every tool is run
 * through {@code runuser -u postgres --} and every file the server must own is given to that user.
 */
final class PgTools {

    /** OS user that owns the server processes and data directories when the JVM runs as root. */
    static final String SERVER_OS_USER = "postgres";

    /** System property, then environment variable, naming the directory that holds initdb and pg_ctl. */
    static final String BIN_DIR_PROPERTY = "lizsync.testkit.pg-bin";
    static final String BIN_DIR_ENV = "LIZSYNC_PG_BIN";
    private static final Path DEFAULT_BIN_DIR = Path.of("/usr/lib/postgresql/15/bin");

    private static final boolean ROOT = detectRoot();
    private static volatile Path binDir;

    private PgTools() {
    }

    static boolean runningAsRoot() {
        return ROOT;
    }

    /** The directory holding initdb/pg_ctl; fails with a message saying how to point to it. */
    static Path binDir() {
        Path dir = binDir;
        if (dir == null) {
            dir = locateBinDir();
            binDir = dir;
        }
        return dir;
    }

    private static Path locateBinDir() {
        List<Path> candidates = new ArrayList<>();
        String configured = System.getProperty(BIN_DIR_PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(BIN_DIR_ENV);
        }
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            if (!Files.isExecutable(p.resolve("pg_ctl"))) {
                throw new PgClusterException("no executable pg_ctl in " + p + " (set by -D" + BIN_DIR_PROPERTY
                        + " or $" + BIN_DIR_ENV + ")");
            }
            return p;
        }
        candidates.add(DEFAULT_BIN_DIR);
        String path = System.getenv("PATH");
        if (path != null) {
            Arrays.stream(path.split(":")).filter(s -> !s.isEmpty()).map(Path::of).forEach(candidates::add);
        }
        for (Path c : candidates) {
            if (Files.isExecutable(c.resolve("pg_ctl")) && Files.isExecutable(c.resolve("initdb"))) {
                return c;
            }
        }
        throw new PgClusterException("PostgreSQL server binaries (initdb, pg_ctl) not found in " + DEFAULT_BIN_DIR
                + " nor on PATH; install postgresql-15 and postgresql-15-postgis-3, or set -D" + BIN_DIR_PROPERTY
                + " / $" + BIN_DIR_ENV);
    }

    /** Command line running a server tool, as the server OS user when the JVM is root. */
    static List<String> command(String tool, String... args) {
        return command(Map.of(), tool, args);
    }

    /**
     * {@link #command(String, String...)} with variables set through {@code env} for the tool alone
     * (runuser, when used, does not get them).
     */
    static List<String> command(Map<String, String> toolEnv, String tool, String... args) {
        List<String> cmd = new ArrayList<>();
        if (ROOT) {
            cmd.addAll(List.of("runuser", "-u", SERVER_OS_USER, "--"));
        }
        if (!toolEnv.isEmpty()) {
            cmd.add("env");
            toolEnv.forEach((k, v) -> cmd.add(k + "=" + v));
        }
        cmd.add(binDir().resolve(tool).toString());
        cmd.addAll(Arrays.asList(args));
        return cmd;
    }

    /**
     * Environment for server tools: English messages (failures are recognised by their text) and
     * none of the libpq variables a developer's shell may set, which would otherwise leak in.
     */
    static Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("LC_ALL", "C");
        env.put("LANG", "C");
        for (String v : List.of("PGDATA", "PGPORT", "PGHOST", "PGHOSTADDR", "PGUSER", "PGDATABASE", "PGOPTIONS",
                "PGPASSWORD", "PGPASSFILE", "PGSERVICE", "PGSERVICEFILE", "PGCTLTIMEOUT")) {
            env.put(v, null);
        }
        return env;
    }

    static ProcessRunner.Result run(Duration timeout, String tool, String... args) {
        return ProcessRunner.run(command(tool, args), timeout, environment());
    }

    /** Hands {@code path} to the server OS user (no-op unless root). */
    static void giveToServerUser(Path path) throws IOException {
        if (!ROOT) {
            return;
        }
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user = lookup.lookupPrincipalByName(SERVER_OS_USER);
        GroupPrincipal group = lookup.lookupPrincipalByGroupName(SERVER_OS_USER);
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        view.setOwner(user);
        view.setGroup(group);
    }

    /**
     * Fails early, with a message naming the cause, when the server OS user cannot write
     * {@code dir} (typically a parent directory without o+x such as /root). Without this check the
     * failure would surface as an obscure initdb error.
     */
    static void checkServerUserCanWrite(Path dir) {
        if (!ROOT) {
            return;
        }
        ProcessRunner.Result r = ProcessRunner.run(List.of("runuser", "-u", SERVER_OS_USER, "--", "test", "-w",
                dir.toString()), Duration.ofSeconds(30));
        if (!r.ok()) {
            throw new PgClusterException("the '" + SERVER_OS_USER + "' OS user cannot write " + dir
                    + ": every parent directory must be traversable by it (chmod o+x), e.g. use a directory under /tmp");
        }
    }

    private static boolean detectRoot() {
        try {
            // /proc/self belongs to the uid of the process looking at it.
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return Integer.valueOf(0).equals(uid);
        } catch (IOException | RuntimeException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }
}
