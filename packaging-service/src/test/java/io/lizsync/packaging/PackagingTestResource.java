package io.lizsync.packaging;

import io.lizsync.testkit.PgCluster;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Starts a real PostgreSQL/PostGIS cluster (the central database) and a fresh package storage
 * directory for the packaging-service under test, on a free loopback port, and points the
 * service's datasource, storage and its own gRPC test client at them.
 */
public class PackagingTestResource implements QuarkusTestResourceLifecycleManager {

    static PgCluster cluster;
    static Path storageDir;

    @Override
    public Map<String, String> start() {
        try {
            cluster = PgCluster.start("packaging-it-central");
            storageDir = Files.createTempDirectory("lizsync-packaging-it-").resolve("packages");
            int httpPort = freePort();
            var keys = io.lizsync.testkit.TestKeys.get();
            return Map.ofEntries(
                    Map.entry("lizsync.auth.public-key-file", keys.publicKeyFile().toString()),
                    Map.entry("lizsync.packaging.signing-private-key-file", keys.packageSigningKeyFile().toString()),
                    Map.entry("quarkus.datasource.jdbc.url", cluster.jdbcUrl()),
                    Map.entry("quarkus.datasource.reactive.url", cluster.reactiveUrl()),
                    Map.entry("quarkus.datasource.username", cluster.user()),
                    Map.entry("quarkus.datasource.password", cluster.password()),
                    Map.entry("lizsync.packaging.storage-dir", storageDir.toString()),
                    Map.entry("quarkus.http.test-port", String.valueOf(httpPort)),
                    Map.entry("quarkus.grpc.clients.packaging.host", "127.0.0.1"),
                    Map.entry("quarkus.grpc.clients.packaging.port", String.valueOf(httpPort)),
                    Map.entry("quarkus.grpc.clients.packaging.test-port", String.valueOf(httpPort)));
        } catch (Exception e) {
            stop();
            throw new IllegalStateException("could not start the test database", e);
        }
    }

    @Override
    public void stop() {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
        if (storageDir != null) {
            try (Stream<Path> files = Files.walk(storageDir.getParent())) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // best effort: a temp directory
            }
            storageDir = null;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
