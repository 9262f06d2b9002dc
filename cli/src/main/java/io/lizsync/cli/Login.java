package io.lizsync.cli;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.lizsync.proto.registry.v1.AuthenticateRequest;
import io.lizsync.proto.registry.v1.IssueAccessTokenRequest;
import io.lizsync.proto.registry.v1.LogoutRequest;
import io.lizsync.proto.registry.v1.RegistryServiceGrpc;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Who the CLI calls the services as. {@code lizsync login} opens a session at registry-service
 * (password from a file or standard input, never the command line) and keeps the session token
 * and a short-lived access token in {@code ~/.config/lizsync/session} (0600). Every other command
 * sends an access token: {@code $LIZSYNC_ACCESS_TOKEN} as given, else one the registry issues for
 * {@code $LIZSYNC_API_TOKEN}, else the kept one while it is valid, else a new one for the kept
 * session. Without any of them, calls go without a token and the services refuse them.
 */
final class Login {

    /** An access token is renewed when it has less than this left. */
    private static final long RENEW_SECONDS = 60;

    private final Map<String, String> env;
    private final Path file;
    private final io.lizsync.grpckit.tls.LinkSecurity security;
    private String resolved;

    Login(Map<String, String> env, Path home) {
        this.env = env;
        this.security = Channels.security(env);
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg) : home.resolve(".config");
        this.file = base.resolve("lizsync").resolve("session");
    }

    /** The result of a login, for the CLI to print. */
    record Session(String login, java.util.List<String> roles, Instant until) {
    }

    /** Opens a session at {@code registry} and keeps it. */
    Session login(String registry, String user, String passwordFile, InputStream stdin) throws IOException {
        String password = passwordFile != null ? firstLine(Files.newInputStream(Path.of(passwordFile)))
                : firstLine(stdin);
        if (password == null || password.isEmpty()) {
            throw new Args.UsageException("no password: give --password-file FILE or one line on standard input");
        }
        ManagedChannel ch = Channels.open(registry, null, security);
        try {
            var r = RegistryServiceGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .authenticate(AuthenticateRequest.newBuilder().setLogin(user).setPassword(password).build());
            Properties p = new Properties();
            p.setProperty("registry", registry);
            p.setProperty("session", r.getToken());
            p.setProperty("access", r.getAccessToken());
            p.setProperty("access-expires", Long.toString(r.getAccessExpiresAt().getSeconds()));
            store(p);
            return new Session(r.getUser().getLogin(), r.getUser().getRolesList(),
                    Instant.ofEpochSecond(r.getExpiresAt().getSeconds()));
        } finally {
            ch.shutdownNow();
        }
    }

    /** Ends the kept session (at the registry too when it answers); false when there was none. */
    boolean logout() throws IOException {
        Properties p = load();
        if (p == null) {
            return false;
        }
        ManagedChannel ch = Channels.open(p.getProperty("registry"), null, security);
        try {
            RegistryServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .logout(LogoutRequest.newBuilder().setToken(p.getProperty("session", "")).build());
        } catch (io.grpc.StatusRuntimeException unreachable) {
            // the local session goes anyway; it expires at the registry by itself
        } finally {
            ch.shutdownNow();
        }
        Files.deleteIfExists(file);
        return true;
    }

    /** The interceptor that sends a sidecar's local token, read from {@code file} (never shown). */
    static ClientInterceptor localToken(Path file) throws IOException {
        String token;
        try {
            token = Files.readString(file).strip();
        } catch (java.nio.file.AccessDeniedException e) {
            throw new Args.UsageException("cannot read the sidecar's local token " + file
                    + ": run as the sidecar's user (the file is readable by it only)");
        } catch (java.nio.file.NoSuchFileException e) {
            throw new Args.UsageException("no sidecar local token at " + file
                    + " (it is local-token in the sidecar's state directory, LIZSYNC_SYNC_STATE_DIR)");
        }
        return bearer(token);
    }

    private static ClientInterceptor bearer(String token) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    /** The interceptor that sends the access token, or null when there is none to send. */
    ClientInterceptor credentials(String registry) throws IOException {
        String token = accessToken(registry);
        if (token == null) {
            return null;
        }
        return bearer(token);
    }

    private String accessToken(String registry) throws IOException {
        if (resolved != null) {
            return resolved;
        }
        String given = env.get("LIZSYNC_ACCESS_TOKEN");
        if (given != null && !given.isBlank()) {
            return resolved = given.strip();
        }
        String api = env.get("LIZSYNC_API_TOKEN");
        if (api != null && !api.isBlank()) {
            return resolved = issue(registry, IssueAccessTokenRequest.newBuilder().setApiToken(api.strip()).build())
                    .getToken();
        }
        Properties p = load();
        if (p == null) {
            return null;
        }
        long expires = Long.parseLong(p.getProperty("access-expires", "0"));
        if (Instant.now().getEpochSecond() + RENEW_SECONDS < expires) {
            return resolved = p.getProperty("access");
        }
        var fresh = issue(p.getProperty("registry"), IssueAccessTokenRequest.newBuilder()
                .setSessionToken(p.getProperty("session", "")).build());
        p.setProperty("access", fresh.getToken());
        p.setProperty("access-expires", Long.toString(fresh.getExpiresAt().getSeconds()));
        store(p);
        return resolved = fresh.getToken();
    }

    private io.lizsync.proto.registry.v1.AccessToken issue(String registry, IssueAccessTokenRequest request) {
        ManagedChannel ch = Channels.open(registry, null, security);
        try {
            return RegistryServiceGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .issueAccessToken(request);
        } finally {
            ch.shutdownNow();
        }
    }

    private Properties load() throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        return p.getProperty("session") == null || p.getProperty("registry") == null ? null : p;
    }

    private void store(Properties p) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling("session.tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (var out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING)) {
            p.store(out, "lizsync CLI session: keep private");
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static String firstLine(InputStream in) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line = r.readLine();
            return line == null ? null : line.strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the password: " + e.getMessage(), e);
        }
    }
}
