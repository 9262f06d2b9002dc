package io.lizsync.sync.central.exchange;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lizsync.sync.central.exchange.service.PendingScope;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PendingScopeTest {

    @Test
    void theBulkTheCloneAlreadyReceivedIsNotReadAgain() {
        // tick xmin 100 (a transaction was running at the clone's last pull); central's 100 000
        // one-row transactions 101..299 committed before the tick (visible in it: the open look does
        // not list them); only 120 committed after the tick; the push is 300, nothing else runs (open xmax 301)
        var scope = PendingScope.of(100, 300, 301, List.of(), List.of(120L));
        assertArrayEquals(new long[] {120}, scope.committed());
        assertTrue(scope.reads(120));
        assertFalse(scope.reads(150), "a transaction the clone received is not read at every batch");
        assertFalse(scope.reads(299));
        assertFalse(scope.reads(300), "the push's own rows are never central's side");
        assertFalse(scope.reads(99), "older than the tick's xmin: seen by the clone");
        assertTrue(scope.reads(301), "started after the push opened");
        assertTrue(scope.reads(5_000_000));
        assertEquals(301, scope.highFrom());
    }

    @Test
    void lateCommitsAreStillRead() {
        // 130 and 280 were running when the push opened: they may commit during the push, with ids
        // older than the push's, and every batch after that must see them
        var scope = PendingScope.of(100, 300, 310, List.of(130L, 280L), List.of(120L));
        assertArrayEquals(new long[] {120, 130, 280}, scope.committed());
        assertTrue(scope.reads(130));
        assertTrue(scope.reads(280));
        assertFalse(scope.reads(131), "committed at open and visible in the tick (the open look did not list it)");
        assertFalse(scope.reads(300));
        assertFalse(scope.reads(305), "below the open xmax and not running then: committed, and not listed: nothing pending");
        assertTrue(scope.reads(310), "started after the open look");
        assertEquals(310, scope.from());
        assertEquals(310, scope.highFrom());
    }

    @Test
    void aTickNewerThanTheOpenLookStartsTheRange() {
        // cannot happen in a push (the tick is older) but the bounds stay consistent: from is the higher
        var scope = PendingScope.of(400, 300, 350, List.of(320L), List.of());
        assertEquals(400, scope.from());
        assertArrayEquals(new long[0], scope.committed(), "older than the tick: visible in it");
        assertFalse(scope.reads(320));
        assertTrue(scope.reads(400));
    }

    @Test
    void nothingBelowTheTickNorThePushItselfIsListed() {
        var scope = PendingScope.of(100, 200, 400, List.of(150L), List.of(50L, 200L, 150L, 120L, 410L));
        assertArrayEquals(new long[] {120, 150}, scope.committed(), "410 is in the range already");
        assertEquals("{120,150}", scope.committedLiteral());
        assertEquals("{}", PendingScope.of(100, 200, 400, List.of(), List.of()).committedLiteral());
    }

    @Test
    void manyCommittedTransactionsBecomeOneRangeFromTheOldest() {
        // thousands of one-row central transactions since the tick: a range, not thousands of lookups
        var many = LongStream.range(1_000, 1_000 + PendingScope.MAX_LISTED + 1).boxed().toList();
        var scope = PendingScope.of(500, 90_000, 90_001, List.of(), many);
        assertEquals(0, scope.committed().length);
        assertEquals(1_000, scope.from());
        assertTrue(scope.reads(1_000));
        assertTrue(scope.reads(1_500));
        assertFalse(scope.reads(999));
        assertFalse(scope.reads(90_000));
        assertTrue(scope.reads(90_001));
    }
}
