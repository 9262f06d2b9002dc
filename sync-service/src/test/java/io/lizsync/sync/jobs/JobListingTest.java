package io.lizsync.sync.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lizsync.grpckit.jobs.JobPages;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JobListingTest {

    static final String CLONE = "5f0c2a4e-1b2c-4d3e-8f90-0123456789ab";

    @Test
    void kindAndSubjectFilterAndAnotherKindHasNoJobHere() {
        var all = JobListing.query("clone-sync", "sync", "", "", 0, "");
        assertFalse(all.none());
        assertNull(all.cloneId());
        assertEquals(JobPages.DEFAULT_PAGE_SIZE + 1, all.limit());
        var one = JobListing.query("clone-sync", "sync", "clone-sync", "clone:" + CLONE, 10, "");
        assertEquals(CLONE, one.cloneId());
        assertEquals(11, one.limit());
        assertTrue(JobListing.query("clone-sync", "sync", "package-deploy", "", 0, "").none());
        assertTrue(JobListing.query("clone-sync", "sync", "", "package:" + CLONE, 0, "").none());
        assertThrows(IllegalArgumentException.class, () -> JobListing.query("clone-sync", "sync", "", "clone:nope", 0, ""));
        assertThrows(IllegalArgumentException.class, () -> JobListing.query("clone-sync", "sync", "", "", -1, ""));
    }

    @Test
    void pagesResumeAfterTheLastKeyAndRefuseAnotherServicesToken() {
        UUID id = UUID.fromString(CLONE);
        Instant at = Instant.parse("2026-12-07T08:00:00.123456Z");
        String token = new JobPages.Key(at, "sync-" + id).token();
        var q = JobListing.query("clone-sync", "sync", "clone-sync", "", 2, token);
        assertEquals(id, q.afterId());
        assertEquals(at, q.afterCreated().toInstant());
        assertThrows(IllegalArgumentException.class, () -> JobListing.query("clone-sync", "sync", "", "", 2,
                new JobPages.Key(at, "deploy-" + id).token()));
        // three rows read for a page of two: a page and the token of its last
        var page = JobListing.page(List.of("a", "b", "c"), q, s -> new JobPages.Key(at, "sync-" + id));
        assertEquals(List.of("a", "b"), page.items());
        assertEquals(token, page.nextPageToken());
        assertEquals("", JobListing.page(List.of("a", "b"), q, s -> new JobPages.Key(at, "sync-" + id)).nextPageToken());
    }
}
