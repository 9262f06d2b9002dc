package io.lizsync.gateway.rest.paging;

import java.util.List;

/**
 * One page of a list, in the list's stable order; {@code nextPageToken} (opaque) asks for the
 * next one, absent on the last page.
 */
public record Page<T>(List<T> items, String nextPageToken) {

    public Page {
        items = List.copyOf(items);
        nextPageToken = nextPageToken == null || nextPageToken.isEmpty() ? null : nextPageToken;
    }
}
