package io.lizsync.sync.e2e;

import java.io.IOException;
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

/** A sync-service started as its own process from the built jar, on a free loopback port. */
final class ServiceProcess implements AutoCloseable {

    static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    /** packaging-service, built before sync-service in the reactor. */
    static final Path PACKAGING_JAR = Path.of("..", "packaging-service", "target", "quarkus-app", "quarkus-run.jar");

    final String name;
    final int port;
    final Path log;
    private final Map<String, String> env;
    private final Path jar;
    private Process process;

    private ServiceProcess(String name, int port, Map<String, String> env, Path jar) {
        this.jar = jar;
        this.name = name;
        this.port = port;
        this.env = env;
        this.log = Path.of("target", "e2e-logs", name + ".log");
    }

    static ServiceProcess start(String name, Map<String, String> env) throws Exception {
        return start(name, JAR, env);
    }

    static ServiceProcess start(String name, Path jar, Map<String, String> env) throws Exception {
        ServiceProcess p = new ServiceProcess(name, freePort(), new java.util.HashMap<>(env), jar);
        p.start();
        return p;
    }

    /**
     * Like {@link #start(String, Map)} with the service JVM's wall clock shifted by {@code clockOffset}
     * from the machine's (libfaketime, monotonic clock untouched; kept on {@link #restart}), e.g. a
     * sidecar whose clock is wrong while its database's is right. Null or zero: the machine's clock.
     */
    static ServiceProcess start(String name, Map<String, String> env, Duration clockOffset) throws Exception {
        Map<String, String> withClock = new java.util.HashMap<>(env);
        if (clockOffset != null && !clockOffset.isZero()) {
            withClock.putAll(io.lizsync.testkit.FakeClock.environment(clockOffset));
            // A process whose clock is wrong accepts the tests' access tokens only with the leeway a
            // deployment on such a device would set.
            withClock.putIfAbsent("LIZSYNC_SYNC_AUTH_CLOCK_LEEWAY", clockOffset.abs().plusMinutes(1).toString());
        }
        return start(name, JAR, withClock);
    }

    void start() throws Exception {
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: package it first");
        }
        Files.createDirectories(log.getParent());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        // Tests favour start-up time; the benchmark passes -Dlizsync.e2e.jvm-opts for full JIT.
        cmd.addAll(List.of(System.getProperty("lizsync.e2e.jvm-opts", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1")
                .trim().split("\\s+")));
        cmd.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // The test keys: every service checks access tokens with the public key (packaging-service
        // and the registry read what they need of it), packaging-service signs packages with the
        // package-signing key and sidecars trust its public half; a test's own env may replace them.
        pb.environment().putAll(io.lizsync.testkit.TestKeys.get().environment());
        pb.environment().putAll(env);
        pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        pb.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
        process = pb.start();
        waitReady();
    }

    /** How many lines of this service's log (all its runs, appended) contain {@code needle}. */
    long logCount(String needle) throws IOException {
        return logLines(needle).size();
    }

    /** The lines of this service's log (all its runs, appended) that contain {@code needle}. */
    List<String> logLines(String needle) throws IOException {
        if (!Files.exists(log)) {
            return List.of();
        }
        try (var lines = Files.lines(log, java.nio.charset.StandardCharsets.ISO_8859_1)) {
            return lines.filter(l -> l.contains(needle)).toList();
        }
    }

    /** The service JVM's process id. */
    long pid() {
        return process.pid();
    }

    private void waitReady() throws Exception {
        // A service given the test certificate serves TLS only: ask it over TLS, trusting the test CA.
        boolean tls = env.containsKey("QUARKUS_HTTP_SSL_CERTIFICATE_FILES");
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        if (tls) {
            builder.sslContext(io.lizsync.testkit.TestCertificates.get().sslContext());
        }
        HttpClient http = builder.build();
        String scheme = tls ? "https" : "http";
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                var r = http.send(HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + port + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(name + " not ready after 90 s; see " + log);
    }

    /** Kills the process at once (SIGKILL): no shutdown hook, no clean-up. */
    void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    /** Kills the process and starts it again with these environment changes (null removes). */
    void restart(Map<String, String> changes) throws Exception {
        kill();
        changes.forEach((k, v) -> {
            if (v == null) {
                env.remove(k);
            } else {
                env.put(k, v);
            }
        });
        start();
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
