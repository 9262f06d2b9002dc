package io.lizsync.sync.clone.service;

import io.lizsync.grpckit.auth.KeyFiles;
import io.lizsync.sql.pkg.PackageSignature;
import io.lizsync.sync.config.NodeRoles;
import io.lizsync.sync.config.SyncConfig;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * The one key a sidecar trusts packages from: its central's package-signing public key, read at
 * start-up in the clone role. A sidecar without it could deploy nothing safely, so it does not
 * start, saying what to do; a process holding only the central role needs none.
 */
@Startup
@Singleton
public class PackageTrust {

    private static final Logger LOG = Logger.getLogger(PackageTrust.class);
    static final String SETTING = "lizsync.sync.package-signing-public-key-file (LIZSYNC_SYNC_PACKAGE_SIGNING_PUBLIC_KEY_FILE)";

    private final PackageSignature.Verifier verifier;

    PackageTrust(SyncConfig config, NodeRoles roles) {
        if (!roles.isClone()) {
            verifier = null;
            return;
        }
        Path file = config.packageSigningPublicKeyFile().orElseThrow(() -> new IllegalStateException(
                "this sidecar (clone role) deploys only packages signed by its central, and has no key to check them: "
                        + "set " + SETTING + " to central's package-signing public key in PEM (on central: openssl pkey "
                        + "-in package-signing.key -pubout -out package-signing.pub)"));
        try {
            verifier = new PackageSignature.Verifier(KeyFiles.readEd25519Public(file));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read central's package-signing public key (" + SETTING + "): "
                    + e.getMessage(), e);
        }
        LOG.infof("packages are deployed only when signed by central's key %s", verifier.keyId());
    }

    /** The check every package passes before anything of it is deployed. */
    public PackageSignature.Verifier verifier() {
        if (verifier == null) {
            throw new IllegalStateException("packages are deployed by a sync-service holding the clone role");
        }
        return verifier;
    }
}
