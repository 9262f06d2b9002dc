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
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * The access token keys as PEM files: the private key (PKCS#8, {@code BEGIN PRIVATE KEY}) only on
 * registry-service, the public key ({@code BEGIN PUBLIC KEY}) on every service. {@link #generate}
 * makes a pair (the private file 0600), as {@code openssl genpkey -algorithm EC -pkeyopt
 * ec_paramgen_curve:P-256} and {@code openssl pkey -pubout} would.
 */
public final class KeyFiles {

    private static final String PRIVATE = "PRIVATE KEY";
    private static final String PUBLIC = "PUBLIC KEY";

    private KeyFiles() {
    }

    public static ECPrivateKey readPrivate(Path file) throws IOException {
        byte[] der = pem(file, PRIVATE);
        try {
            return (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IOException(file + " holds no PKCS#8 EC private key (make one with: openssl genpkey -algorithm EC"
                    + " -pkeyopt ec_paramgen_curve:P-256 -out " + file.getFileName() + ")");
        }
    }

    public static ECPublicKey readPublic(Path file) throws IOException {
        byte[] der = pem(file, PUBLIC);
        try {
            return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IOException(file + " holds no EC public key (make it with: openssl pkey -in PRIVATE.pem -pubout)");
        }
    }

    /** A new P-256 pair written to the two files (the private one readable by its owner only). */
    public static KeyPair generate(Path privateFile, Path publicFile) throws IOException {
        KeyPair pair;
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            pair = g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make P-256 keys", e);
        }
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
