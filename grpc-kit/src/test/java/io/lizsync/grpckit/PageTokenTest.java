package io.lizsync.grpckit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Keyset page tokens: the key of the last item, bound to one list. */
class PageTokenTest {

    @Test
    void aTokenCarriesItsKeyAndBelongsToOneList() {
        String t = PageToken.encode("clone-states", "Relevé \"nord\"", "a b\nc");
        assertEquals(List.of("Relevé \"nord\"", "a b\nc"), PageToken.decode("clone-states", t, 2));
        assertNull(PageToken.decode("clone-states", "", 2));
        assertNull(PageToken.decode("clone-states", null, 2));
        assertThrows(IllegalArgumentException.class, () -> PageToken.decode("history", t, 2));
        assertThrows(IllegalArgumentException.class, () -> PageToken.decode("clone-states", t, 3));
        assertThrows(IllegalArgumentException.class, () -> PageToken.decode("clone-states", "%%%", 2));
        assertThrows(IllegalArgumentException.class, () -> PageToken.decode("clone-states", "a".repeat(2000), 2));
    }

    @Test
    void pageSizesHaveADefaultAndACeiling() {
        assertEquals(50, PageToken.size(0, 50, 500));
        assertEquals(7, PageToken.size(7, 50, 500));
        assertEquals(500, PageToken.size(9999, 50, 500));
        assertThrows(IllegalArgumentException.class, () -> PageToken.size(-1, 50, 500));
    }
}
