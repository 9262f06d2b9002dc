package io.lizsync.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

/**
 * What the testkit knows about a cluster, kept in a file inside its data directory so that another
 * JVM (the CLI's {@code stop}/{@code status}, or the stale-cluster sweep) can act on it later.
 *
 * @param ownerPid the JVM whose shutdown hook is responsible for the cluster; {@code null} for a
 *                 detached cluster that is meant to outlive the JVM that started it
 * @param clockOffset the server's fake clock offset ({@link PgCluster.Options#clockOffset}), {@code null} if none
 */
record ClusterMeta(String name, int port, String database, String password, boolean requirePassword, Long ownerPid,
                   Duration clockOffset) {

    static final String FILE_NAME = "lizsync-testkit.properties";

    static Optional<ClusterMeta> read(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
            String owner = p.getProperty("ownerPid");
            String offsetMillis = p.getProperty("clockOffsetMillis");
            return Optional.of(new ClusterMeta(
                    p.getProperty("name", dataDir.getFileName().toString()),
                    Integer.parseInt(p.getProperty("port", "0")),
                    p.getProperty("database", PgCluster.DEFAULT_DATABASE),
                    p.getProperty("password", ""),
                    Boolean.parseBoolean(p.getProperty("requirePassword", "false")),
                    owner == null || owner.isBlank() ? null : Long.valueOf(owner),
                    offsetMillis == null || offsetMillis.isBlank() ? null : Duration.ofMillis(Long.parseLong(offsetMillis))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Writes the file readable by its owner only: it holds the password. */
    void write(Path dataDir) throws IOException {
        Properties p = new Properties();
        p.setProperty("name", name);
        p.setProperty("port", Integer.toString(port));
        p.setProperty("database", database);
        p.setProperty("password", password);
        p.setProperty("requirePassword", Boolean.toString(requirePassword));
        if (ownerPid != null) {
            p.setProperty("ownerPid", Long.toString(ownerPid));
        }
        if (clockOffset != null) {
            p.setProperty("clockOffsetMillis", Long.toString(clockOffset.toMillis()));
        }
        Path file = dataDir.resolve(FILE_NAME);
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.TRUNCATE_EXISTING)) {
            p.store(out, "lizsync testkit cluster (contains the superuser password)");
        }
        PgTools.giveToServerUser(file);
    }
}
