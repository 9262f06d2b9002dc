package io.lizsync.grpckit.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class JobIdTest {

    @Test
    void anIdIsItsPrefixAndALowerCaseUuid() {
        JobId id = JobId.create("build");
        assertTrue(id.toString().matches("build-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), id.toString());
        assertEquals(id, JobId.parse("build", id.toString()));
        assertEquals("build", JobId.prefixOf(id.toString()));
        assertEquals("deploy", JobId.prefixOf("deploy-" + UUID.randomUUID()));
    }

    @Test
    void hostileOrForeignTextIsRefusedWithoutBeingRepeated() {
        String uuid = UUID.randomUUID().toString();
        String[] bad = {null, "", "build", "build-", "-" + uuid, "build-" + uuid.toUpperCase(), "build-" + uuid + "x",
                "build-../../etc/passwd", "build-" + uuid + "\n", "Build-" + uuid, "build_" + uuid,
                "build-" + "a".repeat(10_000), "bu\u0000ild-" + uuid, "deploy-" + uuid, "build-" + uuid.replace('-', '/')};
        for (String text : bad) {
            var e = assertThrows(IllegalArgumentException.class, () -> JobId.parse("build", text), String.valueOf(text));
            assertTrue(e.getMessage().startsWith("job_id"), e.getMessage());
            if (text != null && text.length() > 6) {
                assertFalse(e.getMessage().contains(text), "the message does not echo the caller's text: " + e.getMessage());
            }
        }
        assertEquals("job_id is not a job of this service (its jobs are build-<uuid>)",
                assertThrows(IllegalArgumentException.class, () -> JobId.parse("build", "deploy-" + uuid)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> JobId.create("Build"));
        assertThrows(IllegalArgumentException.class, () -> JobId.create(""));
    }
}
