package io.lizsync.files.ftp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExclusionsTest {

    @Test
    void aNameExcludesWholeSegmentsAnywhereNeverAPrefixOrSuffix() {
        Exclusions data = Exclusions.of(List.of("data"));
        assertTrue(data.excludesDir("data"));
        assertTrue(data.excludesDir("a/data"));
        assertTrue(data.excludesDir("a/data/b"));
        assertTrue(data.excludesFile("data/x.gpkg"));
        assertTrue(data.excludesFile("a/data/x.gpkg"));
        assertFalse(data.excludesDir("metadata"));
        assertFalse(data.excludesDir("data2"));
        assertFalse(data.excludesDir("mydata/b"));
        assertFalse(data.excludesFile("metadata/x.xml"));
        assertFalse(data.excludesFile("data.txt"), "a file named like the folder is not inside it");
        assertFalse(data.excludesFile("a/data"), "a file named data is not a folder");
    }

    @Test
    void aPathExcludesThatPathFromTheTopOnly() {
        Exclusions e = Exclusions.of(List.of("/media/cache/"));
        assertTrue(e.excludesDir("media/cache"));
        assertTrue(e.excludesFile("media/cache/t.png"));
        assertFalse(e.excludesDir("media"));
        assertFalse(e.excludesDir("other/media/cache"));
        assertFalse(e.excludesFile("media/cache.png"));
    }

    @Test
    void noneExcludesNothingAndBadValuesAreRefused() {
        assertFalse(Exclusions.NONE.excludesFile("data/x"));
        assertThrows(IllegalArgumentException.class, () -> Exclusions.of(List.of("")));
        assertThrows(IllegalArgumentException.class, () -> Exclusions.of(List.of("a/../b")));
        assertThrows(IllegalArgumentException.class, () -> Exclusions.of(List.of("da\nta")));
    }
}
