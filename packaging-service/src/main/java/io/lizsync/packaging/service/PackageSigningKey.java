package io.lizsync.packaging.service;

import io.lizsync.grpckit.auth.KeyFiles;
import io.lizsync.packaging.config.PackagingConfig;
import io.lizsync.sql.pkg.PackageSignature;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * Central's package-signing key, read once at start-up: a service that could not sign would build
 * packages no clone deploys, so a missing or unreadable key stops the start, saying what to do.
 * Only the key id is ever logged.
 */
@Startup
@Singleton
public class PackageSigningKey {

    private static final Logger LOG = Logger.getLogger(PackageSigningKey.class);
    static final String SETTING = "lizsync.packaging.signing-private-key-file (LIZSYNC_PACKAGING_SIGNING_PRIVATE_KEY_FILE)";

    private final PackageSignature.Signer signer;

    PackageSigningKey(PackagingConfig config) {
        Path file = config.signingPrivateKeyFile().orElseThrow(() -> new IllegalStateException(
                "packaging-service signs every package and has no signing key: set " + SETTING + " to central's "
                        + "Ed25519 private key in PEM (make one with: openssl genpkey -algorithm ed25519 -out "
                        + "package-signing.key; give clones its public key: openssl pkey -in package-signing.key -pubout)"));
        try {
            signer = new PackageSignature.Signer(KeyFiles.readEd25519Private(file));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read the package-signing private key (" + SETTING + "): "
                    + e.getMessage(), e);
        }
        LOG.infof("packages are signed with the Ed25519 key %s", signer.keyId());
    }

    public PackageSignature.Signer signer() {
        return signer;
    }
}
