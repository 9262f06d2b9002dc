package io.lizsync.sync;

import io.lizsync.testkit.PgCluster;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

/**
 * Starts a real PostgreSQL/PostGIS cluster for the sync-service under test, on a free loopback
 * port, and points the service's datasource and its own gRPC test client at it.
 */
public class CentralDatabaseResource implements QuarkusTestResourceLifecycleManager {

    static PgCluster cluster;

    @Override
    public Map<String, String> start() {
        try {
            cluster = PgCluster.start("sync-it-central");
            int httpPort = freePort();
            return Map.of(
                    "lizsync.auth.public-key-file", io.lizsync.testkit.TestKeys.get().publicKeyFile().toString(),
                    // no clone exchanges here, but a central serving the exchange starts only with it
                    "lizsync.sync.registry.token-file", io.lizsync.testkit.TestKeys.get().serviceTokenFile().toString(),
                    "quarkus.datasource.jdbc.url", cluster.jdbcUrl(),
                    "quarkus.datasource.reactive.url", cluster.reactiveUrl(),
                    "quarkus.datasource.username", cluster.user(),
                    "quarkus.datasource.password", cluster.password(),
                    "quarkus.http.test-port", String.valueOf(httpPort),
                    "quarkus.grpc.clients.admin.host", "127.0.0.1",
                    "quarkus.grpc.clients.admin.port", String.valueOf(httpPort));
        } catch (Exception e) {
            throw new IllegalStateException("could not start the test database", e);
        }
    }

    @Override
    public void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
