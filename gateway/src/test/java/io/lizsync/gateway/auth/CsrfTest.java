package io.lizsync.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CsrfTest {

    @Test
    void theTokenIsTheSessionsOwnAndStable() {
        assertEquals(Csrf.tokenFor("lzs_a"), Csrf.tokenFor("lzs_a"));
        assertNotEquals(Csrf.tokenFor("lzs_a"), Csrf.tokenFor("lzs_b"));
        assertFalse(Csrf.tokenFor("lzs_a").contains("lzs_a"));
    }

    @Test
    void onlyTheSessionsTokenMatches() {
        assertTrue(Csrf.matches("lzs_a", Csrf.tokenFor("lzs_a")));
        assertFalse(Csrf.matches("lzs_a", Csrf.tokenFor("lzs_b")));
        assertFalse(Csrf.matches("lzs_a", null));
        assertFalse(Csrf.matches("lzs_a", ""));
        assertFalse(Csrf.matches("lzs_a", "lzs_a"));
    }

    @Test
    void writesNeedItReadsDoNot() {
        assertTrue(Csrf.needsToken("POST"));
        assertTrue(Csrf.needsToken("PUT"));
        assertTrue(Csrf.needsToken("DELETE"));
        assertTrue(Csrf.needsToken("PATCH"));
        assertFalse(Csrf.needsToken("GET"));
        assertFalse(Csrf.needsToken("HEAD"));
        assertFalse(Csrf.needsToken("OPTIONS"));
    }
}
