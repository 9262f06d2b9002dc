package io.lizsync.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PgClusterIT {

    private Path scratch;

    @BeforeEach
    void scratchDir() throws IOException {
        // Under /tmp and world-traversable: when the build runs as root the servers run as postgres.
        scratch = Files.createTempDirectory(Path.of("/tmp"), "lizsync-testkit-it-");
        Files.setPosixFilePermissions(scratch, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void removeScratch() {
        PgCluster.deleteRecursively(scratch);
    }

    @Test
    void twoClustersAtOnceWithPostgisSurviveRestartAndVanishOnClose() throws Exception {
        List<Integer> ports;
        List<Path> dirs;
        try (PgClusters pgs = PgClusters.start("it-central", "it-clone")) {
            PgCluster central = pgs.get("it-central");
            PgCluster clone = pgs.get(1);
            assertEquals("it-clone", clone.name());
            assertNotEquals(central.port(), clone.port());
            assertNotEquals(central.dataDir(), clone.dataDir());

            for (PgCluster pg : pgs) {
                assertTrue(pg.queryString("SELECT postgis_full_version()").contains("POSTGIS="));
                assertEquals("100", pg.queryString(
                        "SELECT ST_Area('POLYGON((0 0, 10 0, 10 10, 0 10, 0 0))'::geometry)::int"));
                assertEquals("64", pg.queryString("SELECT length(encode(digest('x', 'sha256'), 'hex'))"));
                assertEquals("logical", pg.queryString("SHOW wal_level"));
                assertEquals("off", pg.queryString("SHOW fsync"));
                assertEquals("lizsync", pg.queryString("SELECT current_database()"));
                assertEquals("jdbc:postgresql://127.0.0.1:" + pg.port() + "/lizsync", pg.jdbcUrl());
                assertEquals("postgresql://127.0.0.1:" + pg.port() + "/lizsync", pg.reactiveUrl());
                assertFalse(pg.toString().contains(pg.password()), "toString must not reveal the password");
            }

            // restart keeps the data and the port
            central.execute("CREATE TABLE kept (id int PRIMARY KEY, geom geometry(Point, 2154));"
                    + "INSERT INTO kept VALUES (1, ST_SetSRID(ST_MakePoint(700000, 6600000), 2154))");
            int port = central.port();
            central.restart();
            assertEquals(port, central.port());
            assertEquals("1", central.queryString("SELECT count(*) FROM kept"));
            central.stop();
            central.stop(); // idempotent
            assertFalse(central.isRunning());
            central.restart(); // starts it again after a stop
            assertEquals("700000", central.queryString("SELECT ST_X(geom)::int FROM kept"));

            // extra databases come with the extensions
            String url = clone.createDatabase("second db");
            assertEquals("jdbc:postgresql://127.0.0.1:" + clone.port() + "/second db", url);
            try (Connection c = clone.connect("second db"); Statement st = c.createStatement();
                 var rs = st.executeQuery("SELECT extname FROM pg_extension WHERE extname IN ('postgis', 'pgcrypto')")) {
                int n = 0;
                while (rs.next()) {
                    n++;
                }
                assertEquals(2, n);
            }

            ports = pgs.list().stream().map(PgCluster::port).toList();
            dirs = pgs.list().stream().map(PgCluster::dataDir).toList();
        }
        for (int p : ports) {
            assertFalse(accepts(p), "port " + p + " still accepts connections after close()");
        }
        for (Path d : dirs) {
            assertFalse(Files.exists(d), d + " still exists after close()");
        }
    }

    @Test
    void fixedPortBaseDirAndRequiredPassword() throws Exception {
        int port = PgCluster.freePort();
        PgCluster pg = PgCluster.options("it-pw").port(port).baseDir(scratch).database("pw_db")
                .requirePassword(true).start();
        try (pg) {
            assertEquals(port, pg.port());
            assertTrue(pg.dataDir().startsWith(scratch));
            assertEquals("scram-sha-256", pg.queryString(
                    "SELECT auth_method FROM pg_hba_file_rules WHERE type = 'host' AND 'all' = ANY(database)"));
            SQLException wrong = assertThrows(SQLException.class,
                    () -> DriverManager.getConnection(pg.jdbcUrl(), pg.user(), "not-the-password").close());
            assertEquals("28P01", wrong.getSQLState());
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password())) {
                assertTrue(c.isValid(5));
            }
            pg.close();
            pg.close(); // idempotent
            assertThrows(IllegalStateException.class, pg::connect);
        }
        try (Stream<Path> left = Files.list(scratch)) {
            assertEquals(0, left.count(), "close() must delete the data directory");
        }
    }

    @Test
    void startFailureReportsTheServerLogAndCleansUp() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            PgClusterException e = assertThrows(PgClusterException.class,
                    () -> PgCluster.options("it-clash").port(taken.getLocalPort()).baseDir(scratch).start());
            assertTrue(e.getMessage().contains("could not bind") || e.getMessage().contains("already in use"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("server.log"), e.getMessage());
        }
        try (Stream<Path> left = Files.list(scratch)) {
            assertEquals(0, left.count(), "a failed start must delete its data directory");
        }
    }

    @Test
    void commandLineStartsADetachedClusterThatCanBeStoppedReusedAndDeleted() throws Exception {
        Path dir = scratch.resolve("pg").resolve("demo");
        try {
            Cli start = cli("start", "--name", "demo", "--dir", dir.toString(), "--db", "demo_db");
            assertEquals(0, start.code, start.err);
            String json = start.out.strip();
            assertFalse(json.contains("\n"), "one line of JSON");
            int port = Integer.parseInt(field(json, "port"));
            assertEquals("demo", field(json, "name"));
            assertEquals("127.0.0.1", field(json, "host"));
            assertEquals("demo_db", field(json, "database"));
            assertEquals("postgres", field(json, "user"));
            assertEquals(dir.toString(), field(json, "dataDir"));
            assertEquals("jdbc:postgresql://127.0.0.1:" + port + "/demo_db", field(json, "jdbcUrl"));
            String password = field(json, "password");
            assertFalse(password.isEmpty());
            // what run-local.sh does with the line
            assertEquals(password, json.replaceAll(".*\"password\":\"([^\"]*)\".*", "$1"));

            try (Connection c = DriverManager.getConnection(field(json, "jdbcUrl"), "postgres", password);
                 Statement st = c.createStatement()) {
                st.execute("CREATE TABLE survives (id int); INSERT INTO survives VALUES (42)");
            }
            assertTrue(PgCluster.isRunning(dir));

            Cli again = cli("start", "--name", "demo", "--dir", dir.toString(), "--db", "demo_db");
            assertEquals(0, again.code, again.err);
            assertEquals(json, again.out.strip(), "starting a running cluster reports it again");
            assertEquals(0, cli("status", "--dir", dir.toString()).code);

            Cli stop = cli("stop", "--dir", dir.toString());
            assertEquals(0, stop.code, stop.err);
            assertFalse(PgCluster.isRunning(dir));
            assertFalse(accepts(port));
            assertEquals(3, cli("status", "--dir", dir.toString()).code);
            assertTrue(Files.exists(dir.resolve("PG_VERSION")), "stop keeps the data");

            Cli reuse = cli("start", "--name", "demo", "--dir", dir.toString(), "--db", "demo_db");
            assertEquals(0, reuse.code, reuse.err);
            assertEquals(password, field(reuse.out, "password"));
            try (Connection c = DriverManager.getConnection(field(reuse.out, "jdbcUrl"), "postgres", password);
                 Statement st = c.createStatement(); var rs = st.executeQuery("SELECT id FROM survives")) {
                assertTrue(rs.next());
                assertEquals(42, rs.getInt(1));
            }

            assertEquals(0, cli("stop", "--dir", dir.toString(), "--delete").code);
            assertFalse(Files.exists(dir));
            assertEquals(2, cli("start", "--name", "x").code, "--dir is required");
            assertEquals(2, cli("frobnicate", "--dir", dir.toString()).code);
        } finally {
            // a detached cluster is not covered by the shutdown hook
            if (Files.exists(dir)) {
                PgCluster.stopDataDir(dir);
            }
        }
    }

    private record Cli(int code, String out, String err) {
    }

    private static Cli cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = PgClusterMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A field of the CLI's flat JSON line (string or number). */
    private static String field(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":(?:\"((?:[^\"\\\\]|\\\\.)*)\"|(-?\\d+))").matcher(json);
        assertTrue(m.find(), key + " missing in " + json);
        return m.group(1) != null ? m.group(1) : m.group(2);
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
