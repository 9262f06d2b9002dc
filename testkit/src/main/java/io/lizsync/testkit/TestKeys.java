package io.lizsync.testkit;

import io.grpc.CallCredentials;
import io.lizsync.grpckit.auth.AccessTokens;
import io.lizsync.grpckit.auth.BearerCredentials;
import io.lizsync.grpckit.auth.KeyFiles;
import io.lizsync.grpckit.auth.Roles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Throwaway keys for one test JVM (made on first use in a 0700 temporary directory, removed at
 * exit): the access token keys, and tokens signed with them for any login and roles (what
 * registry-service would issue, so tests reach the services as an administrator, an operator, a
 * field user or a service, and as nobody); and central's package-signing keys (Ed25519), whose
 * private half packaging-service signs with and whose public half the sidecars trust.
 * {@link #environment()} gives a service process the key files.
 */
public final class TestKeys {

    private static TestKeys instance;

    private final Path dir;
    private final Path privateKey;
    private final Path publicKey;
    private final Path packageSigningKey;
    private final Path packageSigningPublicKey;
    private final KeyPair packageSigningPair;
    private final AccessTokens.Signer signer;
    private final Path serviceToken;

    private TestKeys() {
        try {
            dir = Files.createTempDirectory("lizsync-test-keys",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            privateKey = dir.resolve("access-token.key");
            publicKey = dir.resolve("access-token.pub");
            KeyPair pair = KeyFiles.generate(privateKey, publicKey);
            signer = new AccessTokens.Signer((ECPrivateKey) pair.getPrivate(), Clock.systemUTC());
            packageSigningKey = dir.resolve("package-signing.key");
            packageSigningPublicKey = dir.resolve("package-signing.pub");
            packageSigningPair = KeyFiles.generateEd25519(packageSigningKey, packageSigningPublicKey);
            serviceToken = dir.resolve("service-token");
            byte[] random = new byte[32];
            new java.security.SecureRandom().nextBytes(random);
            Files.writeString(Files.createFile(serviceToken,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                    "lzt_" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the test access token keys", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.deleteIfExists(privateKey);
                Files.deleteIfExists(publicKey);
                Files.deleteIfExists(packageSigningKey);
                Files.deleteIfExists(packageSigningPublicKey);
                Files.deleteIfExists(serviceToken);
                Files.deleteIfExists(dir);
            } catch (IOException ignored) {
                // a leftover temp dir is harmless
            }
        }));
    }

    public static synchronized TestKeys get() {
        if (instance == null) {
            instance = new TestKeys();
        }
        return instance;
    }

    public Path privateKeyFile() {
        return privateKey;
    }

    public Path publicKeyFile() {
        return publicKey;
    }

    /** Central's package-signing private key (PEM, PKCS#8): packaging-service's. */
    /** The services' API token file (what registry's bootstrap makes the service account from). */
    public Path serviceTokenFile() {
        return serviceToken;
    }

    public Path packageSigningKeyFile() {
        return packageSigningKey;
    }

    /** Central's package-signing public key (PEM): what every sidecar trusts. */
    public Path packageSigningPublicKeyFile() {
        return packageSigningPublicKey;
    }

    /** The package-signing pair itself, for tests that sign or check manifests in process. */
    public KeyPair packageSigningPair() {
        return packageSigningPair;
    }

    /** A token for {@code login} holding {@code roles}, valid for an hour. */
    public String token(String login, String... roles) {
        return signer.sign(UUID.nameUUIDFromBytes(login.getBytes(StandardCharsets.UTF_8)).toString(), login,
                Set.of(roles), Duration.ofHours(1));
    }

    /** Call credentials of {@code login} with {@code roles}. */
    public CallCredentials as(String login, String... roles) {
        return BearerCredentials.of(token(login, roles));
    }

    public CallCredentials administrator() {
        return as("test-admin", Roles.ADMINISTRATOR);
    }

    /**
     * The variables a service process reads its key files from: the access token public key for
     * every service (the private one for registry-service), the package-signing private key for
     * packaging-service and its public key for sidecars, and the services' API token (registry
     * makes the service account from it, central's sync-service exchanges it for access tokens).
     */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("LIZSYNC_AUTH_PUBLIC_KEY_FILE", publicKey.toString());
        env.put("LIZSYNC_REGISTRY_ACCESS_TOKENS_PRIVATE_KEY_FILE", privateKey.toString());
        env.put("LIZSYNC_PACKAGING_SIGNING_PRIVATE_KEY_FILE", packageSigningKey.toString());
        env.put("LIZSYNC_SYNC_PACKAGE_SIGNING_PUBLIC_KEY_FILE", packageSigningPublicKey.toString());
        env.put("LIZSYNC_REGISTRY_BOOTSTRAP_SERVICE_TOKEN_FILE", serviceToken.toString());
        env.put("LIZSYNC_SYNC_REGISTRY_TOKEN_FILE", serviceToken.toString());
        return env;
    }
}
