package io.lizsync.packaging.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Package ids are UUIDs in their one textual form, or nothing (no database, no server). */
class PackageIdTest {

    @Test
    void uuidsAreAcceptedInEitherCase() {
        UUID id = UUID.randomUUID();
        assertEquals(id, PackageService.parseId(id.toString()));
        assertEquals(id, PackageService.parseId(id.toString().toUpperCase()));
    }

    @Test
    void anythingElseIsRefused() {
        String id = UUID.randomUUID().toString();
        // "1-1-1-1-1" is accepted by UUID.fromString: the strict form is required here.
        for (String bad : List.of("", "1-1-1-1-1", "../etc/passwd", id + ".zip", id + "/..", "/" + id, id + "\0",
                id.replace("-", ""), " " + id, "{" + id + "}")) {
            assertThrows(IllegalArgumentException.class, () -> PackageService.parseId(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> PackageService.parseId(null));
    }
}
