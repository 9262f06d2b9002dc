package io.lizsync.files.ftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SafeNamesTest {

    private static final Path ROOT = Path.of("/srv/clone/projects");

    @Test
    void ordinaryNamesStayUnderTheFolder() {
        assertEquals(ROOT.resolve("a/b.qgs"), SafeNames.resolve(ROOT, "a/b.qgs"));
        assertEquals(ROOT.resolve("été 2024/photo (1).jpg"), SafeNames.resolve(ROOT, "été 2024/photo (1).jpg"));
        assertEquals(ROOT.resolve("..hidden"), SafeNames.resolve(ROOT, "..hidden"), "a name starting with .. is a name");
    }

    @Test
    void hostileNamesNeverLeaveTheFolder() {
        for (String hostile : List.of("../etc/passwd", "a/../../x", "/etc/passwd", "..", ".", "a//b", "a/./b",
                "a\\..\\..\\x", "C:evil", "bell\u0007", "line\nbreak", "nul\u0000", "del\u007f", "c1\u0085", "", "a/")) {
            assertThrows(IllegalArgumentException.class, () -> SafeNames.resolve(ROOT, hostile), hostile);
        }
        assertTrue(SafeNames.refuse("ok.txt").isEmpty());
        assertTrue(SafeNames.refuse("sub/dir").isPresent());
    }

    @Test
    void requestFoldersAreRelativeAndSafe() {
        assertEquals("", SafeNames.relativeFolder(" ", "x"));
        assertEquals("a/b", SafeNames.relativeFolder("a//b/", "x"));
        assertThrows(IllegalArgumentException.class, () -> SafeNames.relativeFolder("/abs", "x"));
        assertThrows(IllegalArgumentException.class, () -> SafeNames.relativeFolder("a/../../b", "x"));
        assertEquals("/pub/a", SafeNames.join("/pub/", "a"));
        assertEquals("/pub", SafeNames.join("/pub", ""));
    }
}
