package io.lizsync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Whom a deploy's ticket names, and what is said of a ticket (never the ticket). */
class TicketsTest {

    private static final String CLONE = "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f";

    @Test
    void aRedeployKeepsTheClonesIdAndRegistryName() {
        assertEquals(new Tickets.Target(CLONE, "laptop"), Tickets.target("", false, CLONE, "laptop"));
        assertEquals(new Tickets.Target(CLONE, "renamed"), Tickets.target("renamed", false, CLONE, "laptop"));
    }

    @Test
    void aNewCloneNeedsAName() {
        assertEquals(new Tickets.Target("", "tablet"), Tickets.target("tablet", false, "", null));
        assertEquals(new Tickets.Target("", "tablet"), Tickets.target("tablet", true, CLONE, "laptop"));
        assertTrue(assertThrows(UsageException.class, () -> Tickets.target("", false, "", null)).getMessage()
                .contains("not a clone yet"));
        assertTrue(assertThrows(UsageException.class, () -> Tickets.target("", true, CLONE, "laptop")).getMessage()
                .contains("--new-server-id makes a new clone"));
        assertTrue(assertThrows(UsageException.class, () -> Tickets.target("", false, CLONE, null)).getMessage()
                .contains("not known to registry-service"));
    }

    @Test
    void theDescriptionLeavesTheTicketOut() throws Exception {
        var t = new ObjectMapper().readTree("{\"ticket\":\"lzr_secret\",\"cloneName\":\"tablet\",\"packageId\":\"p\","
                + "\"tables\":[{\"schema\":\"s\",\"table\":\"t\"}],\"expiresAt\":\"2026-01-01T00:00:00Z\"}");
        String text = Tickets.describe(t);
        assertEquals("registration ticket for a new clone 'tablet', package p, 1 table, valid until 2026-01-01T00:00:00Z",
                text);
    }
}
