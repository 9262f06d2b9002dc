package io.lizsync.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CredentialTest {

    @Test
    void headerKindsAreToldApartByTheirShape() {
        assertEquals(Credential.Kind.API_TOKEN, Credential.of("Bearer lzt_abc", null).orElseThrow().kind());
        assertEquals(Credential.Kind.SESSION, Credential.of("bearer lzs_abc", null).orElseThrow().kind());
        assertEquals(Credential.Kind.ACCESS_TOKEN, Credential.of("Bearer aaa.bbb.ccc", null).orElseThrow().kind());
    }

    @Test
    void theHeaderWinsOverTheCookieAndTheCookieMarksItsOrigin() {
        Credential header = Credential.of("Bearer lzt_x", "lzs_y").orElseThrow();
        assertEquals("lzt_x", header.secret());
        assertFalse(header.fromCookie());
        Credential cookie = Credential.of(null, "lzs_y").orElseThrow();
        assertTrue(cookie.fromCookie());
        assertEquals(Credential.Kind.SESSION, cookie.kind());
    }

    @Test
    void nothingPresentedIsAnonymous() {
        assertTrue(Credential.of(null, null).isEmpty());
        assertTrue(Credential.of("  ", "").isEmpty());
    }

    @Test
    void malformedCredentialsAreRefusedWithoutEchoingThem() {
        var basic = assertThrows(IllegalArgumentException.class, () -> Credential.of("Basic dXNlcjpwYXNz", null));
        assertFalse(basic.getMessage().contains("dXNlcjpwYXNz"));
        assertThrows(IllegalArgumentException.class, () -> Credential.of("Bearer", null));
        assertThrows(IllegalArgumentException.class, () -> Credential.of("Bearer what-is-this", null));
        assertThrows(IllegalArgumentException.class, () -> Credential.of("Bearer lzt_\u00e9t\u00e9", null));
        assertThrows(IllegalArgumentException.class, () -> Credential.of("Bearer lzt_" + "a".repeat(5000), null));
        // A cookie can only hold a session, never an API token a script leaked into a browser.
        assertThrows(IllegalArgumentException.class, () -> Credential.of(null, "lzt_abc"));
    }

    @Test
    void toStringNeverShowsTheSecret() {
        assertFalse(Credential.of("Bearer lzt_secret", null).orElseThrow().toString().contains("secret"));
    }
}
