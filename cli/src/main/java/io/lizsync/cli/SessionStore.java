package io.lizsync.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The session of {@code lizsync login}: the gateway it was opened at, the session token (the
 * {@code lizsync_session} cookie's value, sent back as {@code Authorization: Bearer lzs_...}, which
 * needs no CSRF token) and its expiry, in {@code $XDG_CONFIG_HOME/lizsync/session} (by default
 * {@code ~/.config/lizsync/session}), created 0600 and replaced atomically. A session is only ever
 * sent to the gateway that opened it.
 */
final class SessionStore {

    /** A kept session. {@code token} is a secret: never printed. */
    record Session(String gateway, String token, String login, Instant expiresAt) {
        @Override
        public String toString() {
            return "Session[" + login + " at " + gateway + "]";
        }
    }

    private final Path file;

    SessionStore(Path file) {
        this.file = file;
    }

    static SessionStore inConfigDir(Map<String, String> env, Path home) {
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg) : home.resolve(".config");
        return new SessionStore(base.resolve("lizsync").resolve("session"));
    }

    Path file() {
        return file;
    }

    /** The kept session, if any (an expired one too: the gateway says so). */
    Optional<Session> load() throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        String gateway = p.getProperty("gateway");
        String token = p.getProperty("session");
        if (gateway == null || token == null || token.isBlank()) {
            return Optional.empty(); // a file of an earlier version (a registry session): log in again
        }
        String expires = p.getProperty("expires-at", "");
        return Optional.of(new Session(gateway, token, p.getProperty("login", ""),
                expires.isEmpty() ? null : Instant.parse(expires)));
    }

    /** The session token to send to {@code gateway}, if the kept session was opened there. */
    Optional<String> tokenFor(String gateway) throws IOException {
        return load().filter(s -> s.gateway().equals(gateway)).map(Session::token);
    }

    void save(Session s) throws IOException {
        Properties p = new Properties();
        p.setProperty("gateway", s.gateway());
        p.setProperty("session", s.token());
        p.setProperty("login", s.login());
        if (s.expiresAt() != null) {
            p.setProperty("expires-at", s.expiresAt().toString());
        }
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (var out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(out, "lizsync CLI session: keep private");
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    boolean delete() throws IOException {
        return Files.deleteIfExists(file);
    }
}
