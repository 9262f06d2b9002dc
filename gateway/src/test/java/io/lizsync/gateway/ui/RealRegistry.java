package io.lizsync.gateway.ui;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.lizsync.proto.registry.v1.CreateUserRequest;
import io.lizsync.proto.registry.v1.RegistryServiceGrpc;
import io.lizsync.testkit.PgCluster;
import io.lizsync.testkit.TestKeys;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real registry-service for the dashboard's session tests: its packaged jar (built before the
 * gateway in the reactor) as its own process, on a testkit PostgreSQL cluster, with the test keys;
 * the first administrator ({@value #ADMIN}, {@value #ADMIN_PASSWORD}), an operator and a field
 * user. The gateway's registry client is pointed at it; the other services stay absent.
 */
public class RealRegistry implements QuarkusTestResourceLifecycleManager {

    static final Path JAR = Path.of("..", "registry-service", "target", "quarkus-app", "quarkus-run.jar");
    static final String ADMIN = "admin";
    static final String ADMIN_PASSWORD = "the first administrator's passphrase";
    static final String OPERATOR = "olga";
    static final String FIELD = "fred";
    static final String PASSWORD = "a long enough passphrase";

    private PgCluster cluster;
    private Process process;

    @Override
    public Map<String, String> start() {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: package registry-service first");
        }
        try {
            cluster = PgCluster.options("gateway-ui-registry").requirePassword(true).start();
            int port = freePort();
            Path adminPassword = Files.createTempFile("gateway-ui-admin", ".txt");
            Files.writeString(adminPassword, ADMIN_PASSWORD + "\n");
            adminPassword.toFile().deleteOnExit();
            Path log = Path.of("target", "gateway-ui-registry.log");
            Files.createDirectories(log.getParent());
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", JAR.toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
            pb.environment().putAll(TestKeys.get().environment());
            pb.environment().put("QUARKUS_DATASOURCE_JDBC_URL", cluster.jdbcUrl());
            pb.environment().put("QUARKUS_DATASOURCE_REACTIVE_URL", cluster.reactiveUrl());
            pb.environment().put("QUARKUS_DATASOURCE_USERNAME", cluster.user());
            pb.environment().put("QUARKUS_DATASOURCE_PASSWORD", cluster.password());
            pb.environment().put("LIZSYNC_REGISTRY_BOOTSTRAP_ADMIN_PASSWORD_FILE", adminPassword.toString());
            pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
            pb.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
            process = pb.start();
            waitReady(port, log);
            createUser(port, OPERATOR, "operator");
            createUser(port, FIELD, "field");
            return Map.of("quarkus.grpc.clients.registry.test-port", Integer.toString(port));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void waitReady(int port, Path log) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("registry-service exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("registry-service not ready after 90 s; see " + log);
    }

    private static void createUser(int port, String login, String role) {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            RegistryServiceGrpc.newBlockingStub(channel).withCallCredentials(TestKeys.get().as("test-setup", "administrator"))
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .createUser(CreateUserRequest.newBuilder().setLogin(login).setPassword(PASSWORD).addRoles(role).build());
        } finally {
            channel.shutdownNow();
        }
    }

    @Override
    public void stop() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
