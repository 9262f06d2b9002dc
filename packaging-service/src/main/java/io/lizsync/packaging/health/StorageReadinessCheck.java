package io.lizsync.packaging.health;

import io.lizsync.grpckit.PrivateDirs;
import io.lizsync.packaging.repository.PackageFileStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only when the package storage directory exists (it is created when missing) and a file
 * can really be written there: a probe file is created and deleted, which also catches read-only
 * mounts and full disks that permission bits do not show.
 */
@Readiness
@ApplicationScoped
public class StorageReadinessCheck implements HealthCheck {

    static final String NAME = "Package storage directory";

    private final PackageFileStore store;

    StorageReadinessCheck(PackageFileStore store) {
        this.store = store;
    }

    @Override
    public HealthCheckResponse call() {
        Path dir = store.directory();
        var response = HealthCheckResponse.named(NAME).withData("path", dir.toString());
        try {
            PrivateDirs.create(dir);
            Path probe = Files.createTempFile(dir, ".ready-", ".probe");
            try {
                Files.write(probe, new byte[] {1});
            } finally {
                Files.deleteIfExists(probe);
            }
            return response.up().build();
        } catch (IOException | SecurityException e) {
            return response.down().withData("error", e.getClass().getSimpleName() + ": " + e.getMessage()).build();
        }
    }
}
