package io.lizsync.grpckit.auth;

import io.lizsync.grpckit.PrivateDirs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;

/**
 * The local token of a process that serves people on its own machine (a clone's sidecar): a
 * random secret in a file only the service's user can read (0600, in a 0700 directory), so that
 * whoever may read that file (the machine's administrator, the CLI run as the service's user) may
 * call it without a registry, which a field server often cannot reach. The process keeps only the
 * secret's SHA-256 and compares in constant time. Its callers hold the role {@link #ROLE}, which
 * no access token may claim ({@link AccessTokens.Verifier} refuses one that does).
 */
public final class LocalToken {

    /** The role of a caller that presented the local token. */
    public static final String ROLE = "local";
    /** The login such a caller is known by in logs and refusals. */
    public static final String LOGIN = "local token";

    private static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");

    private final byte[] digest;
    private final Path file;

    private LocalToken(Path file, String secret) {
        this.file = file;
        this.digest = sha256(secret);
    }

    /**
     * The token kept in {@code file}; a new one when the file is missing, empty, or readable by
     * anyone but its owner (a secret others could have read is not kept).
     */
    public static LocalToken createOrLoad(Path file) throws IOException {
        if (Files.isRegularFile(file) && Files.getPosixFilePermissions(file).equals(OWNER_READ_WRITE)) {
            String kept = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (!kept.isEmpty()) {
                return new LocalToken(file, kept);
            }
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Path dir = file.toAbsolutePath().getParent();
        PrivateDirs.create(dir);
        Path tmp = Files.createTempFile(dir, ".local-token", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE));
        try {
            Files.writeString(tmp, secret + "\n", StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return new LocalToken(file, secret);
    }

    /** Where the secret is kept (for messages; the secret itself is never shown). */
    public Path file() {
        return file;
    }

    /** The caller that presented {@code presented}, or null when it is not this token. */
    public Caller callerFor(String presented) {
        if (presented == null || !MessageDigest.isEqual(digest, sha256(presented))) {
            return null;
        }
        return new Caller(LOGIN, LOGIN, Set.of(ROLE), Instant.MAX, null);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime has no SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "LocalToken[" + file + "]";
    }
}
