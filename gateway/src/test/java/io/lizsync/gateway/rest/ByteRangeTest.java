package io.lizsync.gateway.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lizsync.gateway.rest.packages.ByteRange;
import org.junit.jupiter.api.Test;

class ByteRangeTest {

    @Test
    void noHeaderIsTheWholeArchive() {
        ByteRange r = ByteRange.of(null, 100);
        assertFalse(r.partial());
        assertEquals(0, r.start());
        assertEquals(100, r.length());
    }

    @Test
    void openClosedAndSuffixRanges() {
        ByteRange open = ByteRange.of("bytes=40-", 100);
        assertTrue(open.partial());
        assertEquals(40, open.start());
        assertEquals(60, open.length());
        assertEquals("bytes 40-99/100", open.contentRange(100));
        ByteRange closed = ByteRange.of("bytes=10-19", 100);
        assertEquals(10, closed.length());
        ByteRange clamped = ByteRange.of("bytes=90-500", 100);
        assertEquals(99, clamped.endInclusive());
        ByteRange suffix = ByteRange.of("bytes=-30", 100);
        assertEquals(70, suffix.start());
        assertEquals(30, suffix.length());
        assertEquals(0, ByteRange.of("bytes=-500", 100).start());
    }

    @Test
    void aRangePastTheEndIsUnsatisfiable() {
        assertThrows(ByteRange.Unsatisfiable.class, () -> ByteRange.of("bytes=100-", 100));
        assertThrows(ByteRange.Unsatisfiable.class, () -> ByteRange.of("bytes=-0", 100));
    }

    @Test
    void whatTheApiDoesNotServeIsTheWholeArchive() {
        assertFalse(ByteRange.of("bytes=0-1,5-6", 100).partial());
        assertFalse(ByteRange.of("items=0-1", 100).partial());
        assertFalse(ByteRange.of("bytes=x-y", 100).partial());
        assertFalse(ByteRange.of("bytes=9-3", 100).partial());
        assertFalse(ByteRange.of("bytes=99999999999999999999-", 100).partial());
    }
}
