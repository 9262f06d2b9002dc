package io.lizsync.grpckit.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobPagesTest {

    record J(String id, Instant at, String kind) {
        JobPages.Key key() {
            return new JobPages.Key(at, id);
        }
    }

    @Test
    void pagesAreNewestFirstAndStableWhenJobsArriveMeanwhile() {
        List<J> jobs = new ArrayList<>();
        Instant base = Instant.parse("2026-12-01T10:00:00Z");
        for (int i = 0; i < 23; i++) {
            // Pairs with the same created_at: the id breaks the tie.
            jobs.add(new J(JobId.create("build").toString(), base.plusMillis(i / 2), i % 3 == 0 ? "x" : "package-build"));
        }
        List<J> expected = jobs.stream().filter(j -> j.kind().equals("package-build"))
                .sorted((a, b) -> JobPages.Key.NEWEST_FIRST.compare(a.key(), b.key())).toList();
        List<J> seen = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            var page = JobPages.page(jobs, J::key, j -> j.kind().equals("package-build"), "build", 4, token);
            assertTrue(page.items().size() <= 4);
            seen.addAll(page.items());
            token = page.nextPageToken();
            // A newer job started between two pages is not in the following ones.
            jobs.add(new J(JobId.create("build").toString(), base.plusSeconds(3600 + pages), "package-build"));
            pages++;
        } while (!token.isEmpty());
        assertEquals(expected, seen);
        assertEquals(4, pages);
        assertEquals(List.of(), JobPages.page(List.<J>of(), J::key, j -> true, "build", 0, "").items());
    }

    @Test
    void pageSizes() {
        assertEquals(50, JobPages.pageSize(0));
        assertEquals(500, JobPages.pageSize(100_000));
        assertEquals(7, JobPages.pageSize(7));
        assertThrows(IllegalArgumentException.class, () -> JobPages.pageSize(-1));
    }

    @Test
    void badTokensAreRefused() {
        var key = new JobPages.Key(Instant.parse("2026-12-01T10:00:00.123456789Z"), JobId.create("build").toString());
        assertEquals(key, JobPages.Key.parse(key.token(), "build"));
        String b64 = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "j1:1:2:../../x".getBytes(StandardCharsets.UTF_8));
        String deploy = new JobPages.Key(Instant.EPOCH, JobId.create("deploy").toString()).token();
        for (String bad : new String[] {"garbage!", "abc", b64, deploy, "x".repeat(1000),
                Base64.getUrlEncoder().encodeToString("j2:1:2:3".getBytes(StandardCharsets.UTF_8)),
                Base64.getUrlEncoder().encodeToString(("j1:99999999999999999:0:" + key.id()).getBytes(StandardCharsets.UTF_8))}) {
            var e = assertThrows(IllegalArgumentException.class, () -> JobPages.Key.parse(bad, "build"), bad);
            assertEquals("page_token is not a token returned by ListJobs", e.getMessage());
        }
    }
}
