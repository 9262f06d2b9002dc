package io.lizsync.grpckit.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * Key files in PEM: private keys as PKCS#8 ({@code BEGIN PRIVATE KEY}), public keys as X.509
 * SubjectPublicKeyInfo ({@code BEGIN PUBLIC KEY}), the forms {@code openssl genpkey} and
 * {@code openssl pkey -pubout} write. Two kinds: the access token keys (EC P-256: the private one
 * only on registry-service, the public one on every service) and the package-signing keys
 * (Ed25519: the private one only on packaging-service, the public one on every clone sidecar).
 * The {@code generate} methods make a pair (the private file 0600) for tests and local runs.
 */
public final class KeyFiles {

    private static final String PRIVATE = "PRIVATE KEY";
    private static final String PUBLIC = "PUBLIC KEY";
    private static final String EC_HINT = "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256";
    private static final String ED25519_HINT = "openssl genpkey -algorithm ed25519";

    private KeyFiles() {
    }

    public static ECPrivateKey readPrivate(Path file) throws IOException {
        return privateKey(file, "EC", ECPrivateKey.class, EC_HINT);
    }

    public static ECPublicKey readPublic(Path file) throws IOException {
        return publicKey(file, "EC", ECPublicKey.class);
    }

    /** A new P-256 pair written to the two files (the private one readable by its owner only). */
    public static KeyPair generate(Path privateFile, Path publicFile) throws IOException {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return write(g.generateKeyPair(), privateFile, publicFile);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make P-256 keys", e);
        }
    }

    /**
     * An Ed25519 private key and its public key. The public key is computed from the private one:
     * the PKCS#8 file openssl writes holds only the 32-byte seed, and a signer needs the public key
     * to name itself (its key id).
     */
    public static KeyPair readEd25519Private(Path file) throws IOException {
        EdECPrivateKey key = privateKey(file, "Ed25519", EdECPrivateKey.class, ED25519_HINT);
        byte[] seed = key.getBytes().orElseThrow(() -> new IOException(file + ": the Ed25519 private key is not readable"
                + " (a hardware-backed key?)"));
        try {
            return withPublic(key, seed);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    public static EdECPublicKey readEd25519Public(Path file) throws IOException {
        return publicKey(file, "Ed25519", EdECPublicKey.class);
    }

    /** A new Ed25519 pair written to the two files (the private one readable by its owner only). */
    public static KeyPair generateEd25519(Path privateFile, Path publicFile) throws IOException {
        try {
            return write(KeyPairGenerator.getInstance("Ed25519").generateKeyPair(), privateFile, publicFile);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make Ed25519 keys", e);
        }
    }

    /**
     * The JDK has no call that computes an Ed25519 public key from a private one, but its key pair
     * generator takes the private key as the 32 bytes it draws from its random source: handing it
     * the seed yields the pair. A probe signature proves the pair belongs together, so a JDK that
     * generated keys differently would stop the service here, not sign packages nobody can check.
     */
    private static KeyPair withPublic(EdECPrivateKey key, byte[] seed) throws IOException {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
            g.initialize(NamedParameterSpec.ED25519, new SeedRandom(seed));
            KeyPair derived = g.generateKeyPair();
            byte[] probe = "lizsync key pair probe".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(probe);
            byte[] signature = s.sign();
            s.initVerify(derived.getPublic());
            s.update(probe);
            if (!s.verify(signature)) {
                throw new IOException("cannot compute the public key of this Ed25519 private key with this JDK");
            }
            return new KeyPair(derived.getPublic(), key);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot compute the public key of this Ed25519 private key: " + e.getMessage(), e);
        }
    }

    /** A random source that yields the given bytes, once. */
    private static final class SeedRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte[] seed;
        private boolean used;

        SeedRandom(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public synchronized void nextBytes(byte[] bytes) {
            if (used || bytes.length != seed.length) {
                throw new IllegalStateException("the Ed25519 key generator asked for other random bytes than a seed");
            }
            used = true;
            System.arraycopy(seed, 0, bytes, 0, seed.length);
            Arrays.fill(seed, (byte) 0);
        }
    }

    private static <T extends PrivateKey> T privateKey(Path file, String algorithm, Class<T> type, String hint)
            throws IOException {
        byte[] der = pem(file, PRIVATE);
        try {
            return type.cast(KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der)));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IOException(file + " holds no PKCS#8 " + algorithm + " private key (make one with: " + hint
                    + " -out " + file.getFileName() + ")");
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }

    private static <T extends PublicKey> T publicKey(Path file, String algorithm, Class<T> type) throws IOException {
        byte[] der = pem(file, PUBLIC);
        try {
            return type.cast(KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der)));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IOException(file + " holds no " + algorithm
                    + " public key (make it with: openssl pkey -in PRIVATE.pem -pubout)");
        }
    }

    private static KeyPair write(KeyPair pair, Path privateFile, Path publicFile) throws IOException {
        Files.deleteIfExists(privateFile);
        Files.createFile(privateFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(privateFile, encode(PRIVATE, pair.getPrivate().getEncoded()), StandardOpenOption.TRUNCATE_EXISTING);
        Files.writeString(publicFile, encode(PUBLIC, pair.getPublic().getEncoded()));
        return pair;
    }

    private static String encode(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static byte[] pem(Path file, String type) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IOException(file + " holds no '" + begin + "' block");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": the '" + begin + "' block is not base64");
        }
    }
}
