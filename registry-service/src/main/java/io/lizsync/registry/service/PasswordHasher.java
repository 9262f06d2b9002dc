package io.lizsync.registry.service;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.spec.InvalidKeySpecException;
import java.util.Base64;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import jakarta.inject.Singleton;

import io.quarkus.runtime.Startup;

import io.lizsync.registry.config.RegistryConfig;

/**
 * PBKDF2-HMAC-SHA256 password hashes from the JDK, stored as
 * {@code pbkdf2_sha256$<iterations>$<salt base64>$<hash base64>}.
 *
 * <p>Hashing is deliberately slow (hundreds of ms): callers run it on a worker thread, never on the
 * event loop. The iteration count is stored with each hash so that raising it in the configuration
 * does not invalidate existing passwords.
 */
@Singleton
@Startup // builds the decoy hash at boot, not on the event loop of a first request
public class PasswordHasher {

    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    private static final String PREFIX = "pbkdf2_sha256";
    private static final int SALT_BYTES = 16;
    private static final int KEY_BITS = 256;

    private final int iterations;
    /** A hash of a random password, checked when the login is unknown so both paths take as long. */
    private final String decoy;

    public PasswordHasher(RegistryConfig config) {
        this.iterations = config.passwords().pbkdf2Iterations();
        if (iterations < 1000) {
            throw new IllegalArgumentException("lizsync.registry.passwords.pbkdf2-iterations must be at least 1000");
        }
        this.decoy = hash(Secrets.newSecret(""));
    }

    /** Hashes a password with a new random salt. */
    public String hash(String password) {
        byte[] salt = Secrets.randomBytes(SALT_BYTES);
        byte[] key = derive(password, salt, iterations);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return PREFIX + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(key);
    }

    /**
     * Checks a password against a stored hash in constant time. A null or malformed stored hash
     * is checked against a decoy (same cost) and fails.
     */
    public boolean verify(String password, String stored) {
        String[] parts = stored == null ? new String[0] : stored.split("\\$");
        if (parts.length != 4 || !PREFIX.equals(parts[0])) {
            verify(password, decoy);
            return false;
        }
        try {
            int storedIterations = Integer.parseInt(parts[1]);
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            byte[] actual = derive(password, salt, storedIterations);
            return MessageDigest.isEqual(expected, actual);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Spends the time of one verification, for unknown logins. */
    public void burnVerification(String password) {
        verify(password, decoy);
    }

    private static byte[] derive(String password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, KEY_BITS);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
            throw new IllegalStateException(ALGORITHM + " is unavailable", e);
        } finally {
            spec.clearPassword();
        }
    }
}
