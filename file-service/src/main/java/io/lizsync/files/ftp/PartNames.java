package io.lizsync.files.ftp;

import java.util.Optional;

/**
 * Temporary names of files being transferred. A file is written under
 * {@code .<name>.<size>-<mtime ms>.lizsync-part} in its target folder and renamed to its real
 * name once complete, so no reader ever sees a half-written file under the real name. The name
 * carries the size and modification time of the source it copies: a later run resumes a part
 * (REST) only when the source still has that size and time. Pure functions.
 */
public final class PartNames {

    public static final String SUFFIX = ".lizsync-part";

    /** What a part name says about its source. */
    public record Part(String name, long size, long mtimeMillis) {
    }

    private PartNames() {
    }

    /** The temporary name of {@code name} copying a source of {@code size} bytes modified at {@code mtimeMillis}. */
    public static String of(String name, long size, long mtimeMillis) {
        return "." + name + "." + size + "-" + mtimeMillis + SUFFIX;
    }

    /** True for a name of a temporary file (never mirrored itself). */
    public static boolean isPart(String name) {
        return name.startsWith(".") && name.endsWith(SUFFIX);
    }

    /** The file a temporary name stands for, with the source's size and time; empty for another name. */
    public static Optional<Part> parse(String partName) {
        if (!isPart(partName)) {
            return Optional.empty();
        }
        String core = partName.substring(1, partName.length() - SUFFIX.length());
        int dot = core.lastIndexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        String stamp = core.substring(dot + 1);
        int dash = stamp.indexOf('-');
        if (dash <= 0) {
            return Optional.empty();
        }
        try {
            long size = Long.parseLong(stamp.substring(0, dash));
            long mtime = Long.parseLong(stamp.substring(dash + 1));
            return size < 0 ? Optional.empty() : Optional.of(new Part(core.substring(0, dot), size, mtime));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Where a transfer of a source of {@code size} bytes starts, given the length of the part
     * already there ({@code -1} for none): resumed after it when it is a shorter prefix, else from
     * the beginning (a part as long as the source or longer is not trusted).
     */
    public static long resumeOffset(long partLength, long size) {
        return partLength > 0 && partLength < size ? partLength : 0;
    }
}
