package io.lizsync.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.lizsync.registry.service.Secrets;
import io.lizsync.testkit.PgCluster;
import io.lizsync.testkit.TestKeys;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts a real PostgreSQL cluster (testkit, password required) for the registry's integration tests
 * and points the datasources at it. Also picks one free port for the HTTP server, which serves gRPC
 * too, and points the test's gRPC client "registry" at it: a random test port (0) is only known
 * after start, too late for the client configuration.
 */
public class RegistryTestResource implements QuarkusTestResourceLifecycleManager {

    /** The first administrator's password (login "admin"), made by the registry at start-up. */
    static final String ADMIN_PASSWORD = "first-admin-password";

    private PgCluster cluster;

    @Override
    public Map<String, String> start() {
        cluster = PgCluster.options("registry-it").requirePassword(true).start();
        int port = freePort();
        TestKeys keys = TestKeys.get();
        Path adminPassword = secretFile("registry-it-admin", ADMIN_PASSWORD);
        // the services' API token, as a deployer makes it (ServiceAccountIT reads it back from the file)
        Path serviceToken = secretFile("registry-it-services", Secrets.newSecret(Secrets.API_TOKEN_PREFIX));
        Map<String, String> config = new HashMap<>(Map.of(
                "lizsync.registry.access-tokens.private-key-file", keys.privateKeyFile().toString(),
                "lizsync.auth.public-key-file", keys.publicKeyFile().toString(),
                "quarkus.datasource.jdbc.url", cluster.jdbcUrl(),
                "quarkus.datasource.reactive.url", cluster.reactiveUrl(),
                "quarkus.datasource.username", cluster.user(),
                "quarkus.datasource.password", cluster.password(),
                "quarkus.http.test-port", Integer.toString(port),
                "quarkus.grpc.clients.registry.host", "127.0.0.1",
                "quarkus.grpc.clients.registry.port", Integer.toString(port)));
        config.put("lizsync.registry.bootstrap.admin-password-file", adminPassword.toString());
        config.put("lizsync.registry.bootstrap.service-token-file", serviceToken.toString());
        return config;
    }

    /** A temporary file holding {@code secret} on its first line. */
    private static Path secretFile(String prefix, String secret) {
        try {
            Path file = Files.createTempFile(prefix, ".txt");
            Files.writeString(file, secret + "\n");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }
}
