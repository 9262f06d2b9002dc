package io.lizsync.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Clusters whose clock is ahead of or behind the machine's ({@link PgCluster.Options#clockOffset}). */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PgClusterClockOffsetIT {

    private static final Duration AHEAD = Duration.ofMinutes(10);
    private static final Duration BEHIND = Duration.ofMinutes(-10);
    private static final long TOLERANCE_MS = 30_000;

    private Path scratch;

    @BeforeEach
    void scratchDir() throws IOException {
        // Under /tmp and world-traversable: when the build runs as root the servers run as postgres.
        scratch = Files.createTempDirectory(Path.of("/tmp"), "lizsync-testkit-clock-it-");
        Files.setPosixFilePermissions(scratch, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void removeScratch() {
        PgCluster.deleteRecursively(scratch);
    }

    @Test
    void clustersAheadAndBehindSeeTheirOffsetKeepItOnRestartAndStopCleanly() throws Exception {
        List<PgCluster> clusters;
        try (PgClusters pgs = PgClusters.start(List.of(
                PgCluster.options("it-ahead").baseDir(scratch).clockOffset(AHEAD),
                PgCluster.options("it-behind").baseDir(scratch).clockOffset(BEHIND)))) {
            clusters = pgs.list();
            PgCluster ahead = pgs.get("it-ahead");
            PgCluster behind = pgs.get("it-behind");
            assertEquals(AHEAD, ahead.clockOffset());
            assertEquals(BEHIND, behind.clockOffset());
            for (PgCluster pg : pgs) {
                assertClockOffset(pg);
                // the database was created as usual, extensions included
                assertTrue(pg.queryString("SELECT postgis_full_version()").contains("POSTGIS="));
            }

            // behind is the case pg_ctl start -w never sees coming up
            int port = behind.port();
            behind.restart();
            assertEquals(port, behind.port());
            assertClockOffset(behind);
            behind.stop();
            assertFalse(PgCluster.isRunning(behind.dataDir()));
            behind.restart();
            assertClockOffset(behind);
        }
        for (PgCluster pg : clusters) {
            assertFalse(pg.isRunning());
            assertFalse(Files.exists(pg.dataDir()), pg.dataDir() + " must be deleted on close");
            assertPortFree(pg.port());
        }
    }

    @Test
    void aFailedStartReportsTheServerLogAndLeavesNothingBehind() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(PgCluster.HOST))) {
            PgClusterException e = assertThrows(PgClusterException.class, () -> PgCluster.options("it-clash")
                    .port(taken.getLocalPort()).baseDir(scratch).clockOffset(AHEAD).start());
            assertTrue(e.getMessage().contains("under faketime"), e.getMessage());
            assertTrue(e.getMessage().contains("could not bind") || e.getMessage().contains("already in use"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("server.log"), e.getMessage());
        }
        try (Stream<Path> left = Files.list(scratch)) {
            assertEquals(0, left.count(), "a failed start must delete its data directory");
        }
    }

    @Test
    void aJvmThatFailsWithoutClosingStillStopsItsFakeClockClusterOnExit() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path out = scratch.resolve("child.out");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                "-Djava.util.logging.manager=java.util.logging.LogManager",
                AbandonedClusterMain.class.getName(), scratch.toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(child.waitFor(3, TimeUnit.MINUTES), "child JVM did not exit");
        String output = Files.readString(out);
        assertEquals(1, child.exitValue(), output);
        String line = output.lines().filter(l -> l.startsWith("cluster ")).findFirst()
                .orElseThrow(() -> new AssertionError("child started no cluster:\n" + output));
        String[] parts = line.split(" ");
        Path dataDir = Path.of(parts[1]);
        int port = Integer.parseInt(parts[2]);
        assertFalse(Files.exists(dataDir), dataDir + " must be deleted by the shutdown hook:\n" + output);
        assertPortFree(port);
    }

    /** Started in a child JVM: a cluster under a fake clock, then a failure without close(). */
    static final class AbandonedClusterMain {
        public static void main(String[] args) throws Exception {
            PgCluster pg = PgCluster.options("it-abandoned").baseDir(Path.of(args[0])).clockOffset(BEHIND).start();
            System.out.println("cluster " + pg.dataDir() + " " + pg.port());
            System.out.flush();
            throw new IllegalStateException("test failure without close()");
        }
    }

    private static void assertClockOffset(PgCluster pg) throws Exception {
        long before = System.currentTimeMillis();
        double clock;
        double transaction;
        try (Connection c = pg.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT extract(epoch from clock_timestamp()),"
                     + " extract(epoch from transaction_timestamp())")) {
            assertTrue(rs.next());
            clock = rs.getDouble(1);
            transaction = rs.getDouble(2);
        }
        long after = System.currentTimeMillis();
        long expected = (before + after) / 2 + pg.clockOffset().toMillis();
        for (double seen : new double[] {clock, transaction}) {
            long diff = Math.round(seen * 1000) - expected;
            assertTrue(Math.abs(diff) <= TOLERANCE_MS, pg.name() + ": server clock " + seen + " is " + diff
                    + " ms away from the JVM's clock shifted by " + pg.clockOffset());
        }
    }

    private static void assertPortFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(PgCluster.HOST))) {
            assertTrue(s.isBound());
        } catch (IOException e) {
            throw new AssertionError("port " + port + " is still in use after close: " + e);
        }
    }
}
