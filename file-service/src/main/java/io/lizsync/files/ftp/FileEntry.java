package io.lizsync.files.ftp;

import java.time.Instant;

/**
 * One file of a listing, local or remote: its path relative to the mirrored folder ("/"
 * separators), size and modification time in UTC (null when the server gave none).
 */
public record FileEntry(String path, long size, Instant mtime) {

    /** The modification time in milliseconds, or -1 when unknown. */
    public long mtimeMillis() {
        return mtime == null ? -1 : mtime.toEpochMilli();
    }

    /** The file's name (last segment). */
    public String name() {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    /** The folder holding it, relative ("" at the top). */
    public String parent() {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }
}
