package io.lizsync.gateway.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lizsync.gateway.rest.paging.ETags;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ETagsTest {

    @Test
    void sameBodySameTagAnotherBodyAnother() {
        String a = ETags.of("[1]".getBytes(StandardCharsets.UTF_8));
        assertEquals(a, ETags.of("[1]".getBytes(StandardCharsets.UTF_8)));
        assertNotEquals(a, ETags.of("[2]".getBytes(StandardCharsets.UTF_8)));
        assertTrue(a.startsWith("\"") && a.endsWith("\""));
    }

    @Test
    void ifNoneMatchUsesWeakComparisonAndLists() {
        String tag = "\"abc\"";
        assertTrue(ETags.matches("\"abc\"", tag));
        assertTrue(ETags.matches("W/\"abc\"", tag));
        assertTrue(ETags.matches("\"x\", \"abc\"", tag));
        assertTrue(ETags.matches("*", tag));
        assertFalse(ETags.matches("\"abd\"", tag));
        assertFalse(ETags.matches(null, tag));
        assertFalse(ETags.matches("", tag));
    }
}
