package io.lizsync.registry.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Random bearer secrets (clone credentials, sessions, API tokens, registration tickets) and their SHA-256.
 *
 * <p>These secrets carry 256 random bits, so a single unsalted SHA-256 is enough to make the stored
 * value useless to a reader of the database (unlike passwords, which need PBKDF2), and it lets the
 * registry find a token by its hash with an index.
 */
public final class Secrets {

    /** Prefix of clone credentials. */
    public static final String CLONE_PREFIX = "lzc_";
    /** Prefix of session bearer tokens. */
    public static final String SESSION_PREFIX = "lzs_";
    /** Prefix of API tokens. */
    public static final String API_TOKEN_PREFIX = "lzt_";
    /** Prefix of registration tickets. */
    public static final String TICKET_PREFIX = "lzr_";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int SECRET_BYTES = 32;

    private Secrets() {
    }

    /** A new secret: the prefix then 32 random bytes in URL-safe base64 without padding. */
    public static String newSecret(String prefix) {
        byte[] bytes = new byte[SECRET_BYTES];
        RANDOM.nextBytes(bytes);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Whether {@code value} has the form {@link #newSecret} gives with {@code prefix}: the prefix,
     * then 43 URL-safe base64 characters (no padding) that decode to 32 bytes.
     */
    public static boolean isWellFormed(String prefix, String value) {
        if (value == null || !value.startsWith(prefix) || value.length() != prefix.length() + 43) {
            return false;
        }
        String body = value.substring(prefix.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                return false;
            }
        }
        try {
            return Base64.getUrlDecoder().decode(body).length == SECRET_BYTES;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Lower-case hex SHA-256 of the UTF-8 bytes of {@code secret}. */
    public static String sha256Hex(String secret) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }

    /** Random bytes for salts. */
    static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
