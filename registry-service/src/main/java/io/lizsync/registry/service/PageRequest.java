package io.lizsync.registry.service;

import java.util.List;

import io.lizsync.registry.config.RegistryConfig;
import io.lizsync.registry.error.InvalidArgumentException;

/**
 * One page of a list: an offset and a size, read from the caller's page_size / page_token.
 * The token is the offset of the next page in decimal; callers treat it as opaque.
 */
public record PageRequest(int offset, int size) {

    public static PageRequest of(int pageSize, String pageToken, RegistryConfig.Paging paging) {
        if (pageSize < 0) {
            throw new InvalidArgumentException("page_size must not be negative");
        }
        int size = pageSize == 0 ? paging.defaultPageSize() : Math.min(pageSize, paging.maxPageSize());
        int offset = 0;
        if (pageToken != null && !pageToken.isEmpty()) {
            try {
                offset = Integer.parseInt(pageToken);
            } catch (NumberFormatException e) {
                offset = -1;
            }
            if (offset < 0) {
                throw new InvalidArgumentException("page_token is not a token from a previous answer");
            }
        }
        return new PageRequest(offset, size);
    }

    /** Index of the last row to fetch: one more than the page, to know whether another follows. */
    public int lastIndexInclusive() {
        return offset + size;
    }

    /** Cuts the extra row and says where the next page starts. */
    public <T> Page<T> toPage(List<T> fetched) {
        if (fetched.size() > size) {
            return new Page<>(fetched.subList(0, size), Integer.toString(offset + size));
        }
        return new Page<>(fetched, "");
    }

    /** A page of items and the token of the next one (empty on the last page). */
    public record Page<T>(List<T> items, String nextPageToken) {
    }
}
