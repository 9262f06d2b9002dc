package io.lizsync.files.ftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalTreeTest {

    @TempDir
    Path root;

    @Test
    void pathsAreRelativeToTheRootAtEveryDepthWithExcludedFoldersPartsBackupsAndLinksLeftOut() throws Exception {
        Instant t = Instant.parse("2026-05-01T10:00:00Z");
        MirrorFixtures.write(root, "top.qgs", "a", t);
        MirrorFixtures.write(root, "a/one.txt", "bb", t);
        MirrorFixtures.write(root, "a/b/c/deep.txt", "ccc", t);
        MirrorFixtures.write(root, "a/z.txt", "dddd", t); // after the sub-folders of a/ in name order
        MirrorFixtures.write(root, "data/skipped.gpkg", "x", t);
        MirrorFixtures.write(root, "a/data/skipped.gpkg", "x", t);
        MirrorFixtures.write(root, "metadata/kept.xml", "eeeee", t);
        MirrorFixtures.write(root, "a/.one.txt.9-5.lizsync-part", "123", t);
        MirrorFixtures.write(root, "top.qgs" + LocalTree.BACKUP_SUFFIX, "old", t);
        Files.createSymbolicLink(root.resolve("a/b/link.txt"), root.resolve("top.qgs"));

        Listing l = LocalTree.list(root, Exclusions.of(List.of("data")));

        assertEquals(Set.of("top.qgs", "a/one.txt", "a/b/c/deep.txt", "a/z.txt", "metadata/kept.xml"), l.files().keySet());
        l.files().forEach((path, f) -> {
            assertEquals(path, f.path());
            assertEquals(t, f.mtime());
        });
        assertEquals(3, l.files().get("a/b/c/deep.txt").size());
        assertEquals(4, l.files().get("a/z.txt").size());
        assertEquals(Set.of("a", "a/b", "a/b/c", "metadata"), l.dirs());
        assertEquals(Map.of("a/.one.txt.9-5.lizsync-part", 3L), l.parts());
        assertEquals(1, l.refused().size());
        assertEquals("a/b/link.txt", l.refused().get(0).path());
        assertTrue(l.refused().get(0).reason().contains("symbolic link"));
    }

    @Test
    void aMissingFolderIsAnEmptyListing() throws Exception {
        Listing l = LocalTree.list(root.resolve("not-yet"), Exclusions.NONE);
        assertTrue(l.files().isEmpty() && l.dirs().isEmpty() && l.refused().isEmpty());
    }
}
