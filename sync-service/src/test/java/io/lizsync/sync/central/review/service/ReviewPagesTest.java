package io.lizsync.sync.central.review.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ReviewPagesTest {

    @Test
    void historyTokensCarryTheirPositionToTheMicrosecond() {
        Instant t = Instant.parse("2026-12-07T06:15:32.647801Z");
        String id = UUID.randomUUID().toString();
        ReviewPages.HistoryPosition p = ReviewPages.history(ReviewPages.historyToken(t, id));
        assertEquals(t, p.syncTime());
        assertEquals(id, p.syncId().toString());
        assertNull(ReviewPages.history(""));
        assertNull(ReviewPages.history(null));
    }

    @Test
    void conflictTokensCarryTheLastId() {
        assertEquals(42, ReviewPages.conflicts(ReviewPages.conflictToken(42)));
        assertEquals(0, ReviewPages.conflicts(""));
    }

    @Test
    void tokensOfAnotherListOrForgedOnesAreRefused() {
        String history = ReviewPages.historyToken(Instant.now(), UUID.randomUUID().toString());
        assertThrows(IllegalArgumentException.class, () -> ReviewPages.conflicts(history));
        assertThrows(IllegalArgumentException.class, () -> ReviewPages.history(ReviewPages.conflictToken(3)));
        assertThrows(IllegalArgumentException.class, () -> ReviewPages.history("not base64 !"));
        assertThrows(IllegalArgumentException.class, () -> ReviewPages.conflicts(ReviewPages.conflictToken(-5)));
        assertThrows(IllegalArgumentException.class, () -> ReviewPages.history("x".repeat(500)));
        var e = assertThrows(IllegalArgumentException.class, () -> ReviewPages.history("aDpub3R8YQ"));
        assertEquals("page_token: not a page token of this list", e.getMessage());
    }

    @Test
    void directionsAreTheThreeNamed() {
        assertEquals(ReviewPages.Direction.ANY, ReviewPages.Direction.parse(""));
        assertEquals(ReviewPages.Direction.TO_CENTRAL, ReviewPages.Direction.parse("to_central"));
        assertEquals(ReviewPages.Direction.TO_CLONE, ReviewPages.Direction.parse("to_clone"));
        assertThrows(IllegalArgumentException.class, () -> ReviewPages.Direction.parse("sideways"));
    }
}
