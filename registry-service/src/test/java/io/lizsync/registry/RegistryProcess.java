package io.lizsync.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.lizsync.testkit.PgCluster;
import io.lizsync.testkit.TestKeys;

/**
 * The built registry ({@code target/quarkus-app}) run as its own process against a testkit
 * cluster, as a deployment runs it: for what happens at start-up (and at a restart).
 */
final class RegistryProcess implements AutoCloseable {

    static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

    final int port;
    final Path log;
    private final Process process;

    private RegistryProcess(int port, Path log, Process process) {
        this.port = port;
        this.log = log;
        this.process = process;
    }

    /**
     * Starts the registry on a free loopback port with the test keys, {@code cluster} and {@code env}
     * (and a services' token file only when {@code env} names one).
     */
    static RegistryProcess start(String name, PgCluster cluster, Map<String, String> env) throws IOException {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: package the module first");
        }
        Path log = Path.of("target", "process-it-logs", name + ".log");
        Files.createDirectories(log.getParent());
        Files.deleteIfExists(log);
        int port = freePort();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", JAR.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(TestKeys.get().environment());
        // each test says whether the registry gets a services' token file (the testkit may give one)
        pb.environment().remove("LIZSYNC_REGISTRY_BOOTSTRAP_SERVICE_TOKEN_FILE");
        pb.environment().put("QUARKUS_DATASOURCE_JDBC_URL", cluster.jdbcUrl());
        pb.environment().put("QUARKUS_DATASOURCE_REACTIVE_URL", cluster.reactiveUrl());
        pb.environment().put("QUARKUS_DATASOURCE_USERNAME", cluster.user());
        pb.environment().put("QUARKUS_DATASOURCE_PASSWORD", cluster.password());
        pb.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
        pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        pb.environment().putAll(env);
        return new RegistryProcess(port, log, pb.start());
    }

    /** Waits until the registry is ready; fails with its log when it exits first. */
    RegistryProcess awaitReady() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("registry exited with " + process.exitValue() + ":\n" + output());
            }
            try {
                var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return this;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("registry not ready after 90 s:\n" + output());
    }

    /** Waits until the registry gives up starting; returns its exit code. */
    int awaitExit() throws InterruptedException {
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            throw new AssertionError("registry still running after 90 s although it should have refused to start");
        }
        return process.exitValue();
    }

    /** Everything the process printed. */
    String output() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
    }

    List<String> outputLines() throws IOException {
        return output().lines().toList();
    }

    /** Stops it as a deployment would (SIGTERM, then SIGKILL after 20 s). */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }
}
