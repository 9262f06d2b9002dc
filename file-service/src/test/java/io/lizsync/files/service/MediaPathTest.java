package io.lizsync.files.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The media path rules, without a server. */
class MediaPathTest {

    @Test
    void plainRelativePathsAreAccepted() {
        var p = MediaPath.of("forêt 2024", "upload/photo 1 (été).jpg");
        assertEquals("forêt 2024", p.projectKey());
        assertEquals(List.of("upload", "photo 1 (été).jpg"), p.segments());
        assertEquals("upload/photo 1 (été).jpg", p.relative());
        assertEquals(List.of(".hidden"), MediaPath.of("p", ".hidden").segments());
        assertEquals(List.of("a..b"), MediaPath.of("p", "a..b").segments());
    }

    @Test
    void hostilePathsAreRefused() {
        for (String path : List.of("", "/etc/passwd", "../x", "a/../../x", "a/./x", ".", "..", "a//b", "a/", "a\\b",
                "C:\\x", "x\0.jpg", "x\n", "x\u007f", "x".repeat(256), ("a/").repeat(2100) + "b")) {
            assertThrows(IllegalArgumentException.class, () -> MediaPath.of("p", path), path);
        }
        for (String key : List.of("", ".", "..", "a/b", "/", "a\\b", "k\0", "x".repeat(256))) {
            assertThrows(IllegalArgumentException.class, () -> MediaPath.of(key, "x.jpg"), key);
        }
        assertThrows(IllegalArgumentException.class, () -> MediaPath.of(null, "x.jpg"));
        assertThrows(IllegalArgumentException.class, () -> MediaPath.of("p", null));
    }
}
