package io.lizsync.gateway.rest.packages;

/**
 * The one byte range of a {@code Range} header the API serves (RFC 9110 §14): {@code bytes=S-},
 * {@code bytes=S-E} or the suffix {@code bytes=-N}, clamped to the resource. Several ranges, other
 * units or a malformed header are ignored (the whole resource, as the RFC allows); a range that
 * starts past the end is unsatisfiable (416).
 */
public record ByteRange(long start, long endInclusive, boolean partial) {

    /** Thrown for a range that starts at or past the end of the resource. */
    public static final class Unsatisfiable extends RuntimeException {
        public Unsatisfiable(long size) {
            super("the range starts past the end of the " + size + "-byte archive");
        }
    }

    public long length() {
        return endInclusive - start + 1;
    }

    /** The range a header asks of a resource of {@code size} bytes. */
    public static ByteRange of(String header, long size) {
        ByteRange whole = new ByteRange(0, size - 1, false);
        if (header == null || header.isBlank()) {
            return whole;
        }
        String h = header.strip();
        if (!h.startsWith("bytes=") || h.indexOf(',') >= 0) {
            return whole;
        }
        String spec = h.substring(6).strip();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return whole;
        }
        try {
            String first = spec.substring(0, dash).strip();
            String last = spec.substring(dash + 1).strip();
            if (first.isEmpty()) {
                if (last.isEmpty()) {
                    return whole;
                }
                long suffix = Long.parseLong(last);
                if (suffix <= 0) {
                    throw new Unsatisfiable(size);
                }
                return new ByteRange(Math.max(0, size - suffix), size - 1, true);
            }
            long start = Long.parseLong(first);
            long end = last.isEmpty() ? size - 1 : Long.parseLong(last);
            if (start >= size) {
                throw new Unsatisfiable(size);
            }
            if (start < 0 || end < start) {
                return whole;
            }
            return new ByteRange(start, Math.min(end, size - 1), true);
        } catch (NumberFormatException e) {
            return whole;
        }
    }

    /** The {@code Content-Range} of a partial answer. */
    public String contentRange(long size) {
        return "bytes " + start + "-" + endInclusive + "/" + size;
    }
}
