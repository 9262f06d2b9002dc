package io.lizsync.registry.service;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.lizsync.registry.error.InvalidArgumentException;

/** Pure rules of the services, without a database. */
class RulesTest {

    @Test
    void scopesAndWildcards() {
        assertTrue(ApiTokenService.grants(List.of("packages:read"), "packages:read"));
        assertFalse(ApiTokenService.grants(List.of("packages:read"), "packages:write"));
        assertTrue(ApiTokenService.grants(List.of("packages:*"), "packages:write"));
        assertFalse(ApiTokenService.grants(List.of("packages:*"), "packagesx:write"));
        assertTrue(ApiTokenService.grants(List.of("*"), "anything"));
        assertFalse(ApiTokenService.grants(List.of(), "x"));
    }

    @Test
    void anApiTokenActsWithTheRolesOfItsUserThatItsScopesGrantOnly() {
        List<String> admin = List.of("administrator", "operator");
        assertEquals(List.of("operator"), ApiTokenService.rolesGranted(admin, List.of("role:operator", "packages:*")));
        assertEquals(admin, ApiTokenService.rolesGranted(admin, List.of("role:*")));
        assertEquals(admin, ApiTokenService.rolesGranted(admin, List.of("*")));
        assertEquals(List.of(), ApiTokenService.rolesGranted(admin, List.of("sync:*")), "areas grant no role");
        assertEquals(List.of(), ApiTokenService.rolesGranted(List.of("field"), List.of("role:operator")),
                "a scope never adds a role the user does not hold");
    }

    @Test
    void secretsAreRandomAndHashedToHex() {
        String a = Secrets.newSecret(Secrets.CLONE_PREFIX);
        String b = Secrets.newSecret(Secrets.CLONE_PREFIX);
        assertNotEquals(a, b);
        assertTrue(a.startsWith("lzc_"));
        assertEquals(4 + 43, a.length()); // 32 bytes in unpadded base64url
        assertTrue(Secrets.sha256Hex(a).matches("[0-9a-f]{64}"));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Secrets.sha256Hex(""));
    }

    @Test
    void namesAreKeptVerbatimButNotBlankOrNul() {
        assertEquals(" a'b\"c ", Validation.name(" a'b\"c ", "name", 200));
        assertThrows(InvalidArgumentException.class, () -> Validation.name("  ", "name", 200));
        assertThrows(InvalidArgumentException.class, () -> Validation.name("a\0b", "name", 200));
        assertThrows(InvalidArgumentException.class, () -> Validation.name("x".repeat(201), "name", 200));
        // code points, not UTF-16 units
        assertDoesNotThrow(() -> Validation.name("🚜".repeat(200), "name", 200));
    }

    @Test
    void identifiersAreLimitedTo63Bytes() {
        assertDoesNotThrow(() -> Validation.identifier("é".repeat(31), "table"));
        assertThrows(InvalidArgumentException.class, () -> Validation.identifier("é".repeat(32), "table"));
        assertThrows(InvalidArgumentException.class, () -> Validation.syncSchema("lizsync", "schema"));
        assertThrows(InvalidArgumentException.class, () -> Validation.syncSchema("public", "schema"));
        assertDoesNotThrow(() -> Validation.syncSchema("Public", "schema"));
    }

    @Test
    void uuidsMustBeCanonical() {
        assertDoesNotThrow(() -> Validation.uuid("847bd592-0bc5-84d7-bf79-ae40fa544557", "id"));
        assertThrows(InvalidArgumentException.class, () -> Validation.uuid("1-2-3-4-5", "id"));
        assertThrows(InvalidArgumentException.class, () -> Validation.uuid("", "id"));
        assertEquals(null, Validation.optionalUuid("", "id"));
    }

    @Test
    void documentLocationsStayInsideTheProject() {
        assertDoesNotThrow(() -> ProjectService.checkLocation("file", "media/docs/a.pdf"));
        assertThrows(InvalidArgumentException.class, () -> ProjectService.checkLocation("file", "/etc/passwd"));
        assertThrows(InvalidArgumentException.class, () -> ProjectService.checkLocation("file", "a/../../b"));
        assertThrows(InvalidArgumentException.class, () -> ProjectService.checkLocation("file", "C:\\x"));
        assertDoesNotThrow(() -> ProjectService.checkLocation("url", "https://example.org/x"));
        assertThrows(InvalidArgumentException.class, () -> ProjectService.checkLocation("url", "file:///etc/passwd"));
    }

    @Test
    void pageTokens() {
        var paging = PasswordHasherTest.config(1000).paging();
        PageRequest first = PageRequest.of(0, "", paging);
        assertEquals(0, first.offset());
        assertEquals(100, first.size());
        assertEquals(1000, PageRequest.of(50_000, "", paging).size());
        var page = PageRequest.of(2, "", paging).toPage(List.of(1, 2, 3));
        assertEquals(List.of(1, 2), page.items());
        assertEquals("2", page.nextPageToken());
        assertEquals("", PageRequest.of(2, "2", paging).toPage(List.of(3)).nextPageToken());
        assertThrows(InvalidArgumentException.class, () -> PageRequest.of(0, "-1", paging));
        assertThrows(InvalidArgumentException.class, () -> PageRequest.of(0, "abc", paging));
        assertThrows(InvalidArgumentException.class, () -> PageRequest.of(-1, "", paging));
    }
}
