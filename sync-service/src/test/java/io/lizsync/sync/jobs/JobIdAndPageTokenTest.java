package io.lizsync.sync.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Job ids and page tokens of the jobs contract, without a database. */
class JobIdAndPageTokenTest {

    @Test
    void aDeployIdIsItsPrefixAndACanonicalUuid() {
        UUID id = UUID.randomUUID();
        assertEquals("deploy-" + id, JobId.format(JobId.DEPLOY, id));
        assertEquals(id, JobId.parse(JobId.DEPLOY, "deploy-" + id));
        for (String bad : new String[] {"build-" + id, "deploy-", "deploy-x", id.toString(), "", "deploy-1-1-1-1-1"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> JobId.parse(JobId.DEPLOY, bad), bad);
            assertTrue(e.getMessage().startsWith("job_id"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> JobId.parse(JobId.DEPLOY, null));
    }

    @Test
    void aTokenCarriesItsKeyAndBelongsToOneList() {
        String t = PageToken.encode("jobs", "2026-01-01T10:00:00.123456Z", "a b\nc");
        assertEquals(List.of("2026-01-01T10:00:00.123456Z", "a b\nc"), PageToken.decode("jobs", t, 2));
        assertNull(PageToken.decode("jobs", "", 2));
        assertThrows(IllegalArgumentException.class, () -> PageToken.decode("clones", t, 2));
        assertThrows(IllegalArgumentException.class, () -> PageToken.decode("jobs", t, 3));
        assertThrows(IllegalArgumentException.class, () -> PageToken.decode("jobs", "%%%", 2));
    }

    @Test
    void pageSizesHaveADefaultAndACeiling() {
        assertEquals(50, PageToken.size(0, 50, 500));
        assertEquals(7, PageToken.size(7, 50, 500));
        assertEquals(500, PageToken.size(9999, 50, 500));
        assertThrows(IllegalArgumentException.class, () -> PageToken.size(-1, 50, 500));
    }

    @Test
    void finalStatesAreTheThreeEnds() {
        assertTrue(JobState.SUCCEEDED.isFinal() && JobState.FAILED.isFinal() && JobState.CANCELLED.isFinal());
        assertTrue(!JobState.QUEUED.isFinal() && !JobState.RUNNING.isFinal());
        for (JobState s : JobState.values()) {
            assertEquals(s, JobState.ofSql(s.sql()));
        }
    }
}
