package io.lizsync.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL 15 + PostGIS cluster started from the system binaries on a free loopback
 * port: {@code initdb} into a fresh directory, {@code pg_ctl start}, then one database (default
 * {@value #DEFAULT_DATABASE}) with the {@code postgis} and {@code pgcrypto} extensions.
 *
 * <pre>{@code
 * try (PgCluster pg = PgCluster.start("central")) {
 *     try (Connection c = pg.connect()) { ... }
 * }
 * }</pre>
 *
 * <p>The server is tuned for speed, not durability (fsync, synchronous_commit and full_page_writes
 * off), listens on 127.0.0.1 only (no Unix socket), and has {@code wal_level=logical} with room for
 * replication slots and WAL senders so that benchmarks can compare with logical replication.
 *
 * <p><b>Authentication.</b> By default host connections use {@code trust}: any password, or none,
 * is accepted. The superuser {@value #USER} still gets a random {@link #password()} (set by initdb)
 * so that clients which insist on a password can be configured exactly as in production. With
 * {@link Options#requirePassword(boolean)} host connections use {@code scram-sha-256} instead and the
 * password is checked.
 *
 * <p><b>Lifetime.</b> Every cluster is registered with one JVM shutdown hook that stops whatever is
 * still running when the JVM exits; {@link #close()} stops the server, deletes the data directory it
 * created and unregisters it. {@link Options#detached(boolean) Detached} clusters (the local demo's
 * databases, started by {@link PgClusterMain}) are not registered and outlive the JVM.
 *
 * <p><b>Clock offset.</b> With {@link Options#clockOffset(Duration)} the server runs under
 * libfaketime ({@link FakeClock}) with its wall clock ahead of or behind this machine's, e.g. a clone
 * whose clock is wrong; it is started without pg_ctl but stopped, restarted and cleaned up as any other.
 *
 * <p><b>Other back-ends.</b> This class is the only implementation: it needs the PostgreSQL and
 * PostGIS packages on the machine and no Docker. A container-backed variant (Testcontainers with a
 * {@code postgis/postgis:15} image, for machines with Docker but without local binaries) would plug
 * in behind the same accessors ({@link #jdbcUrl()}, {@link #reactiveUrl()}, {@link #user()},
 * {@link #password()}, {@link #connect()}, {@link #close()}), e.g. by extracting them into an
 * interface chosen by a system property; it is deliberately not added because Testcontainers is not
 * available in this build environment.
 */
public final class PgCluster implements AutoCloseable {

    public static final String DEFAULT_DATABASE = "lizsync";
    public static final String HOST = "127.0.0.1";
    public static final String USER = "postgres";

    static final String LOG_FILE = "server.log";
    static final String CONF_FILE = "lizsync-testkit.conf";

    private static final System.Logger LOG = System.getLogger(PgCluster.class.getName());
    private static final Duration INITDB_TIMEOUT = Duration.ofSeconds(180);
    /** pg_ctl gets {@code -t 60}; the process timeout leaves it room to report its own failure. */
    private static final Duration PG_CTL_TIMEOUT = Duration.ofSeconds(90);
    /** How long a server under a fake clock (started without pg_ctl) may take to accept connections. */
    private static final Duration FAKE_CLOCK_START_TIMEOUT = Duration.ofSeconds(60);
    private static final int PORT_ATTEMPTS = 5;
    /** Ports handed out by this JVM, so that clusters started in parallel never pick the same one. */
    private static final Set<Integer> HANDED_OUT_PORTS = ConcurrentHashMap.newKeySet();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String name;
    private final Path dataDir;
    private final String database;
    private final String password;
    private final boolean requirePassword;
    /** True when this handle ran initdb: close() then deletes the directory. */
    private final boolean ownsDataDir;
    private final boolean detached;
    /** {@code null}: the machine's clock. */
    private final Duration clockOffset;
    private volatile int port;
    private volatile boolean running;
    private volatile boolean closed;

    private PgCluster(String name, Path dataDir, String database, String password, boolean requirePassword,
                      boolean ownsDataDir, boolean detached, Duration clockOffset, int port) {
        this.name = name;
        this.dataDir = dataDir;
        this.database = database;
        this.password = password;
        this.requirePassword = requirePassword;
        this.ownsDataDir = ownsDataDir;
        this.detached = detached;
        this.clockOffset = clockOffset;
        this.port = port;
    }

    // ---------------------------------------------------------------- starting

    /** Starts a cluster with default options under the default base directory; see {@link #options(String)}. */
    public static PgCluster start(String name) {
        return options(name).start();
    }

    /** Options for a cluster named {@code name} (the name is a label used in directory names and logs). */
    public static Options options(String name) {
        return new Options(name);
    }

    /** How to start a cluster. Every setter returns {@code this}; finish with {@link #start()}. */
    public static final class Options {

        private final String name;
        private Integer port;
        private Path baseDir;
        private Path dataDir;
        private String database = DEFAULT_DATABASE;
        private boolean requirePassword;
        private boolean detached;
        private Duration clockOffset;

        private Options(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("cluster name must not be blank");
            }
            this.name = name;
        }

        /** A fixed port instead of a free one picked at start (then a clash fails instead of retrying). */
        public Options port(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Parent of the fresh temporary data directory (default {@code $java.io.tmpdir/lizsync-testkit-<user>}).
         * When the JVM is root it must be traversable by the {@code postgres} OS user.
         */
        public Options baseDir(Path baseDir) {
            this.baseDir = Objects.requireNonNull(baseDir);
            return this;
        }

        /**
         * The exact data directory. A missing or empty directory gets a new cluster; a directory that
         * already holds a cluster is started again with its data, password and authentication.
         */
        public Options dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir);
            return this;
        }

        /** Database created with PostGIS and pgcrypto after start (default {@value #DEFAULT_DATABASE}). */
        public Options database(String database) {
            if (database == null || database.isEmpty()) {
                throw new IllegalArgumentException("database name must not be empty");
            }
            this.database = database;
            return this;
        }

        /** Host connections must authenticate with {@link #password()} (scram-sha-256) instead of trust. */
        public Options requirePassword(boolean requirePassword) {
            this.requirePassword = requirePassword;
            return this;
        }

        /**
         * Leave the server running when the JVM exits (no shutdown hook). Stop it with
         * {@link PgCluster#stopDataDir(Path)} or {@code PgClusterMain stop --dir D}.
         */
        public Options detached(boolean detached) {
            this.detached = detached;
            return this;
        }

        /**
         * Runs the server with its wall clock shifted by {@code offset} from this machine's (positive:
         * ahead, negative: behind; {@code null} or zero: the machine's clock), to test how the sync
         * engine copes with a clone whose clock is wrong. {@code now()}, {@code clock_timestamp()} and
         * everything the server timestamps are shifted; {@link PgCluster#restart()} keeps the offset.
         * Needs Debian's {@code faketime} package ({@link FakeClock}).
         */
        public Options clockOffset(Duration offset) {
            this.clockOffset = offset == null || offset.isZero() ? null : offset;
            return this;
        }

        public PgCluster start() {
            return launch(this);
        }
    }

    private static PgCluster launch(Options o) {
        PgTools.binDir(); // fail fast, before creating anything, when PostgreSQL is not installed
        if (o.clockOffset != null) {
            FakeClock.library(); // likewise for libfaketime
        }
        Path dataDir;
        boolean fresh;
        try {
            if (o.dataDir != null) {
                dataDir = o.dataDir.toAbsolutePath().normalize();
                fresh = !Files.exists(dataDir.resolve("PG_VERSION"));
                if (fresh) {
                    Files.createDirectories(dataDir);
                    try (Stream<Path> s = Files.list(dataDir)) {
                        if (s.findAny().isPresent()) {
                            throw new PgClusterException("data directory " + dataDir
                                    + " is neither empty nor a PostgreSQL cluster");
                        }
                    }
                }
            } else {
                Path base = (o.baseDir != null ? o.baseDir : defaultBaseDir()).toAbsolutePath().normalize();
                Files.createDirectories(base);
                if (PgTools.runningAsRoot()) {
                    // root's umask may leave the base directory closed to the postgres OS user
                    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
                ClusterRegistry.sweepStale(base);
                dataDir = Files.createTempDirectory(base, o.name.replaceAll("[^A-Za-z0-9_.-]", "_") + "-");
                fresh = true;
            }
            if (fresh) {
                PgTools.giveToServerUser(dataDir);
                Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
            }
        } catch (IOException e) {
            throw new PgClusterException("could not prepare a data directory for cluster '" + o.name + "': " + e, e);
        }

        ClusterMeta previous = fresh ? null : ClusterMeta.read(dataDir).orElse(null);
        String password = previous != null && !previous.password().isEmpty() ? previous.password() : randomPassword();
        boolean requirePassword = previous != null ? previous.requirePassword() : o.requirePassword;
        PgCluster c = new PgCluster(o.name, dataDir, o.database, password, requirePassword, fresh, o.detached,
                o.clockOffset, 0);
        if (!o.detached) {
            ClusterRegistry.register(c); // before initdb: a JVM exit during start-up must clean up too
        }
        long t0 = System.nanoTime();
        try {
            PgTools.checkServerUserCanWrite(dataDir);
            if (fresh) {
                c.initdb();
            }
            Integer preferred = previous != null && previous.port() > 0 ? previous.port() : null;
            c.startServer(o.port, preferred);
            c.createDatabase(o.database);
        } catch (RuntimeException e) {
            String tail = c.serverLogTail(40);
            c.abandon();
            throw new PgClusterException("could not start PostgreSQL cluster '" + o.name + "' in " + dataDir + ": "
                    + e.getMessage() + (tail.isEmpty() ? "" : "\n--- last lines of " + c.logFile() + " ---\n" + tail), e);
        }
        LOG.log(Level.INFO, "started PostgreSQL cluster {0} on {1}:{2,number,#} in {3,number,#} ms ({4}){5}", o.name,
                HOST, c.port, (System.nanoTime() - t0) / 1_000_000, dataDir,
                o.clockOffset == null ? "" : ", clock offset " + o.clockOffset);
        return c;
    }

    private void initdb() {
        Path pwFile = null;
        try {
            // initdb reads the superuser password from a file: it never appears on a command line.
            pwFile = Files.createTempFile("lizsync-testkit-pw", ".txt",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(pwFile, password + "\n");
            PgTools.giveToServerUser(pwFile);
            String hostAuth = requirePassword ? "scram-sha-256" : "trust";
            for (String locale : List.of("C.UTF-8", "C")) {
                ProcessRunner.Result r = PgTools.run(INITDB_TIMEOUT, "initdb", "-D", dataDir.toString(), "--no-sync",
                        "--no-instructions", "-U", USER, "--pwfile=" + pwFile, "--auth-local=trust",
                        "--auth-host=" + hostAuth, "-E", "UTF8", "--locale=" + locale);
                if (r.ok()) {
                    return;
                }
                // initdb empties the directory after a failure, so the retry starts clean
                boolean localeMissing = r.output().toLowerCase().contains("locale");
                if (!localeMissing || locale.equals("C")) {
                    throw new PgClusterException("initdb failed (exit " + r.exitCode() + "):\n"
                            + ProcessRunner.tail(r.output(), 30));
                }
                LOG.log(Level.DEBUG, "locale C.UTF-8 unavailable, initdb again with locale C");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (pwFile != null) {
                try {
                    Files.deleteIfExists(pwFile);
                } catch (IOException ignored) {
                    // left in the temp dir, readable by its owner only
                }
            }
        }
    }

    /** Starts the server, picking another free port when the chosen one turns out to be taken. */
    private void startServer(Integer fixedPort, Integer preferredPort) {
        int attempts = fixedPort != null ? 1 : PORT_ATTEMPTS;
        for (int attempt = 1; ; attempt++) {
            if (fixedPort != null) {
                port = fixedPort;
            } else if (attempt == 1 && preferredPort != null && portIsFree(preferredPort)) {
                port = preferredPort; // a restarted demo database keeps its address when it can
            } else {
                port = freePort();
            }
            writeServerConfig();
            writeMeta();
            long logOffset = logSize();
            ProcessRunner.Result r = startPostgres();
            if (r.ok()) {
                running = true;
                return;
            }
            String log = readLogFrom(logOffset);
            boolean portTaken = log.contains("could not bind") || log.contains("Address already in use");
            if (!portTaken || attempt >= attempts) {
                throw new PgClusterException(startVerb() + " failed (exit " + r.exitCode() + ")"
                        + (portTaken ? ", port " + port + " is already in use" : "") + ":\n" + r.output().strip());
            }
            LOG.log(Level.DEBUG, "port {0,number,#} taken meanwhile, retrying cluster {1} on another port", port, name);
        }
    }

    /** {@code pg_ctl start -w}, or under a fake clock the server binary directly (pg_ctl would not see it start). */
    private ProcessRunner.Result startPostgres() {
        return clockOffset == null
                ? PgTools.run(PG_CTL_TIMEOUT, "pg_ctl", "-D", dataDir.toString(), "-l", logFile().toString(), "-w",
                        "-t", "60", "start")
                : FakeClock.startPostgres(dataDir, logFile(), port, clockOffset, FAKE_CLOCK_START_TIMEOUT);
    }

    private String startVerb() {
        return clockOffset == null ? "pg_ctl start" : "postgres start under faketime (" + FakeClock.spec(clockOffset)
                + " s)";
    }

    /**
     * Our settings live in their own file, included from postgresql.conf, so that changing the port
     * rewrites one small file instead of editing the generated configuration.
     */
    private void writeServerConfig() {
        try {
            String conf = String.join("\n",
                    "# Written by the lizsync testkit: a throwaway cluster tuned for speed, not durability.",
                    "fsync = off",
                    "synchronous_commit = off",
                    "full_page_writes = off",
                    "listen_addresses = '" + HOST + "'",
                    "port = " + port,
                    "unix_socket_directories = ''",
                    "max_connections = 200",
                    "shared_buffers = 128MB",
                    "# logical replication is compared against in benchmarks",
                    "wal_level = logical",
                    "max_replication_slots = 20",
                    "max_wal_senders = 20",
                    "");
            Path confFile = dataDir.resolve(CONF_FILE);
            Files.writeString(confFile, conf);
            PgTools.giveToServerUser(confFile);
            Path main = dataDir.resolve("postgresql.conf");
            String include = "include '" + CONF_FILE + "'";
            if (!Files.readString(main).contains(include)) {
                Files.writeString(main, "\n" + include + "\n", StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the configuration of " + dataDir, e);
        }
    }

    /** Records port, password and owning JVM next to the data for the CLI and the stale-cluster sweep. */
    private void writeMeta() {
        try {
            new ClusterMeta(name, port, database, password, requirePassword,
                    detached ? null : ProcessHandle.current().pid(), clockOffset).write(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + ClusterMeta.FILE_NAME + " in " + dataDir, e);
        }
    }

    // ---------------------------------------------------------------- accessors

    public String name() {
        return name;
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    /** The database created at start. */
    public String database() {
        return database;
    }

    public String user() {
        return USER;
    }

    /** The superuser's password (random per cluster; only checked with {@link Options#requirePassword}). */
    public String password() {
        return password;
    }

    public boolean requiresPassword() {
        return requirePassword;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The server log, inside the data directory. */
    public Path logFile() {
        return dataDir.resolve(LOG_FILE);
    }

    public boolean isRunning() {
        return running;
    }

    /** How far the server's wall clock is ahead of this machine's (negative: behind); zero for a normal cluster. */
    public Duration clockOffset() {
        return clockOffset == null ? Duration.ZERO : clockOffset;
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/<database>} */
    public String jdbcUrl() {
        return jdbcUrl(database);
    }

    public String jdbcUrl(String db) {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + db;
    }

    /** {@code postgresql://127.0.0.1:<port>/<database>}, the form Quarkus reactive datasources take. */
    public String reactiveUrl() {
        return reactiveUrl(database);
    }

    public String reactiveUrl(String db) {
        return "postgresql://" + HOST + ":" + port + "/" + db;
    }

    // ---------------------------------------------------------------- using it

    /** A new connection to {@link #database()} as the superuser; the caller closes it. */
    public Connection connect() throws SQLException {
        return connect(database);
    }

    public Connection connect(String db) throws SQLException {
        checkOpen();
        Properties props = new Properties();
        props.setProperty("user", USER);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "10");
        props.setProperty("ApplicationName", "lizsync-testkit");
        return DriverManager.getConnection(jdbcUrl(db), props);
    }

    /**
     * Creates database {@code db} unless it exists, then makes sure it has the postgis and pgcrypto
     * extensions. Returns its JDBC URL.
     */
    public String createDatabase(String db) {
        try {
            try (Connection c = connect("postgres")) {
                boolean exists;
                try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                    ps.setString(1, db);
                    try (ResultSet rs = ps.executeQuery()) {
                        exists = rs.next();
                    }
                }
                if (!exists) {
                    try (Statement st = c.createStatement()) {
                        st.execute("CREATE DATABASE " + quoteIdent(db));
                    }
                }
            }
            try (Connection c = connect(db); Statement st = c.createStatement()) {
                st.execute("CREATE EXTENSION IF NOT EXISTS postgis");
                st.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto");
            }
            return jdbcUrl(db);
        } catch (SQLException e) {
            throw new PgClusterException("could not create database " + db + " in cluster " + name + ": "
                    + e.getMessage(), e);
        }
    }

    /** Runs one or more SQL statements (a script without bind parameters) in {@link #database()}. */
    public void execute(String sql) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new PgClusterException("SQL failed in cluster " + name + ": " + e.getMessage(), e);
        }
    }

    /** The first column of the first row of {@code sql} as text, or {@code null} without rows. */
    public String queryString(String sql) {
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new PgClusterException("SQL failed in cluster " + name + ": " + e.getMessage(), e);
        }
    }

    /** The last {@code lines} lines of the server log ("" if there is none yet). */
    public String serverLogTail(int lines) {
        try {
            return Files.exists(logFile()) ? ProcessRunner.tail(Files.readString(logFile()), lines) : "";
        } catch (IOException | RuntimeException e) {
            return "(server log unreadable: " + e + ")";
        }
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Restarts the server (or starts it again after {@link #stop()}) on the same port, keeping the data
     * and the {@link #clockOffset()}.
     */
    public synchronized void restart() {
        checkOpen();
        if (clockOffset != null) {
            stop(); // pg_ctl restart would start the server without the fake clock
        }
        long logOffset = logSize();
        String action = running ? "pg_ctl restart" : startVerb();
        ProcessRunner.Result r = running
                ? PgTools.run(PG_CTL_TIMEOUT, "pg_ctl", "-D", dataDir.toString(), "-l", logFile().toString(),
                        "-m", "fast", "-w", "-t", "60", "restart")
                : startPostgres();
        if (!r.ok()) {
            running = isRunning(dataDir);
            throw new PgClusterException(action + " of cluster " + name + " failed (exit " + r.exitCode()
                    + "):\n" + r.output().strip() + "\n--- server log ---\n" + ProcessRunner.tail(readLogFrom(logOffset), 40));
        }
        running = true;
    }

    /** Stops the server (fast shutdown) and keeps the data directory. Does nothing if it is not running. */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        ProcessRunner.Result r = PgTools.run(PG_CTL_TIMEOUT, "pg_ctl", "-D", dataDir.toString(), "-m", "fast", "-w",
                "-t", "60", "stop");
        if (!r.ok() && isRunning(dataDir)) {
            // A fast shutdown waits for open transactions to be rolled back; the data is disposable.
            r = PgTools.run(PG_CTL_TIMEOUT, "pg_ctl", "-D", dataDir.toString(), "-m", "immediate", "-w", "stop");
            if (!r.ok() && isRunning(dataDir)) {
                throw new PgClusterException("could not stop cluster " + name + " (" + dataDir + "):\n"
                        + r.output().strip());
            }
        }
        running = false;
        LOG.log(Level.DEBUG, "stopped PostgreSQL cluster {0}", name);
    }

    /**
     * Stops the server and deletes the data directory if this handle created it (a directory that
     * already held a cluster when it was started is kept). Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        stop();
        closed = true;
        ClusterRegistry.unregister(this);
        if (ownsDataDir) {
            deleteRecursively(dataDir);
        }
    }

    /**
     * Best-effort teardown for failures and the shutdown hook: immediate stop, delete what we
     * created, never throw.
     */
    synchronized void abandon() {
        try {
            if (!closed && Files.exists(dataDir.resolve("postmaster.pid"))) {
                PgTools.run(PG_CTL_TIMEOUT, "pg_ctl", "-D", dataDir.toString(), "-m", "immediate", "-w", "stop");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not stop cluster " + name + ": " + e.getMessage());
        }
        running = false;
        closed = true;
        ClusterRegistry.unregister(this);
        if (ownsDataDir) {
            deleteRecursively(dataDir);
        }
    }

    // ---------------------------------------------------------------- clusters of other JVMs (CLI)

    /** Whether a server is running in {@code dataDir} ({@code pg_ctl status}). */
    public static boolean isRunning(Path dataDir) {
        Path dir = dataDir.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            return false;
        }
        return PgTools.run(Duration.ofSeconds(30), "pg_ctl", "-D", dir.toString(), "status").ok();
    }

    /**
     * A handle on the running cluster in {@code dataDir}, started earlier by the testkit (possibly by
     * another JVM). Its {@link #close()} stops the server but keeps the directory; it is not
     * registered with the shutdown hook.
     */
    public static PgCluster attach(Path dataDir) {
        Path dir = dataDir.toAbsolutePath().normalize();
        ClusterMeta meta = ClusterMeta.read(dir).orElseThrow(() -> new PgClusterException(
                "no testkit cluster in " + dir + " (missing " + ClusterMeta.FILE_NAME + ")"));
        if (!isRunning(dir)) {
            throw new PgClusterException("the cluster in " + dir + " is not running");
        }
        PgCluster c = new PgCluster(meta.name(), dir, meta.database(), meta.password(), meta.requirePassword(),
                false, true, meta.clockOffset(), meta.port());
        c.running = true;
        return c;
    }

    /**
     * Stops the server running in {@code dataDir} (fast shutdown) without needing a handle, e.g.
     * one started detached by another JVM. Returns whether a server was running.
     */
    public static boolean stopDataDir(Path dataDir) {
        Path dir = dataDir.toAbsolutePath().normalize();
        if (!isRunning(dir)) {
            return false;
        }
        ProcessRunner.Result r = PgTools.run(PG_CTL_TIMEOUT, "pg_ctl", "-D", dir.toString(), "-m", "fast", "-w",
                "-t", "60", "stop");
        if (!r.ok() && isRunning(dir)) {
            r = PgTools.run(PG_CTL_TIMEOUT, "pg_ctl", "-D", dir.toString(), "-m", "immediate", "-w", "stop");
            if (!r.ok() && isRunning(dir)) {
                throw new PgClusterException("could not stop the cluster in " + dir + ":\n" + r.output().strip());
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- helpers

    /** {@code $java.io.tmpdir/lizsync-testkit-<user>}: one per OS user so that permissions never clash. */
    public static Path defaultBaseDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "lizsync-testkit-" + System.getProperty("user.name"));
    }

    /**
     * A loopback port nobody listens on now and this JVM has not handed out before. Another process
     * may still take it before the server binds it; {@link #startServer} retries then.
     */
    static int freePort() {
        for (int i = 0; i < 100; i++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
                int p = s.getLocalPort();
                if (HANDED_OUT_PORTS.add(p)) {
                    return p;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("no free loopback port", e);
            }
        }
        throw new PgClusterException("no free loopback port found");
    }

    private static boolean portIsFree(int p) {
        try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getByName(HOST))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.deleteIfExists(p);
                } catch (NoSuchFileException ignored) {
                    // already gone
                }
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not delete " + dir + ": " + e);
        }
    }

    private long logSize() {
        try {
            return Files.exists(logFile()) ? Files.size(logFile()) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private String readLogFrom(long offset) {
        try (InputStream in = Files.newInputStream(logFile())) {
            in.skipNBytes(Math.min(offset, Files.size(logFile())));
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("cluster " + name + " is closed");
        }
    }

    static String quoteIdent(String ident) {
        return "\"" + ident.replace("\"", "\"\"") + "\"";
    }

    private static String randomPassword() {
        // letters and digits only: safe in URLs, shell variables and the CLI's JSON without escaping
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        StringBuilder sb = new StringBuilder(24);
        for (int i = 0; i < 24; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    /** Never includes the password. */
    @Override
    public String toString() {
        return "PgCluster[" + name + " " + HOST + ":" + port + "/" + database + ", " + dataDir + "]";
    }
}
