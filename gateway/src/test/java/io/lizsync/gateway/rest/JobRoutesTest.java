package io.lizsync.gateway.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lizsync.gateway.rest.jobs.JobRoutes;
import org.junit.jupiter.api.Test;

class JobRoutesTest {

    static final String UUID = "5f0c2a4e-1b2c-4d3e-8f90-0123456789ab";

    @Test
    void anIdGoesToTheServiceOfItsPrefix() {
        assertEquals(JobRoutes.Owner.PACKAGING, JobRoutes.ofId("build-" + UUID).orElseThrow());
        assertEquals(JobRoutes.Owner.SYNC, JobRoutes.ofId("deploy-" + UUID).orElseThrow());
        assertEquals(JobRoutes.Owner.PACKAGING, JobRoutes.ofKind("package-build").orElseThrow());
        assertEquals(JobRoutes.Owner.SYNC, JobRoutes.ofKind("package-deploy").orElseThrow());
        // a clone's sync session (ADR 0019): central's sync-service, like its deploys
        assertEquals(JobRoutes.Owner.SYNC, JobRoutes.ofId("sync-" + UUID).orElseThrow());
        assertEquals(JobRoutes.Owner.SYNC, JobRoutes.ofKind("clone-sync").orElseThrow());
        // the FTP file operations (ADR 0023): file-service
        assertEquals(JobRoutes.Owner.FILES, JobRoutes.ofId("files-" + UUID).orElseThrow());
        assertEquals(JobRoutes.Owner.FILES, JobRoutes.ofKind("ftp-get-projects").orElseThrow());
        assertEquals(JobRoutes.Owner.FILES, JobRoutes.ofKind("ftp-send-projects").orElseThrow());
        assertEquals(JobRoutes.Owner.FILES, JobRoutes.ofKind("ftp-sync-media").orElseThrow());
        for (String kind : JobRoutes.KINDS.split("\\|")) {
            assertTrue(JobRoutes.ofKind(kind).isPresent(), kind);
        }
    }

    @Test
    void idsNoServiceMakesAreUnknown() {
        assertTrue(JobRoutes.ofId("file-" + UUID).isEmpty());
        assertTrue(JobRoutes.ofId("syncs-" + UUID).isEmpty());
        assertTrue(JobRoutes.ofId("sync-" + UUID.substring(1)).isEmpty());
        assertTrue(JobRoutes.ofId("build-" + UUID.toUpperCase()).isEmpty());
        assertTrue(JobRoutes.ofId("build-../../etc").isEmpty());
        assertTrue(JobRoutes.ofId(UUID).isEmpty());
        assertTrue(JobRoutes.ofId(null).isEmpty());
        assertTrue(JobRoutes.ofKind("rm -rf").isEmpty());
    }
}
