package io.lizsync.files.health;

import io.lizsync.files.repository.MediaStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only when the work directory and its media/ and tmp/ folders exist (created when missing)
 * and a file can really be written: a probe file is created in tmp/ and deleted, which also
 * catches read-only mounts and full disks that permission bits do not show.
 */
@Readiness
@ApplicationScoped
public class WorkDirReadinessCheck implements HealthCheck {

    static final String NAME = "File-service work directory";

    private final MediaStore store;

    WorkDirReadinessCheck(MediaStore store) {
        this.store = store;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named(NAME).withData("path", store.workDir().toString());
        try {
            store.createFolders();
            Path probe = store.newTempFile();
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
