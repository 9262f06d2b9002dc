package io.lizsync.files.ftp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a mirror does with each file, decided from the two listings and the cache of the last run:
 * a pure function. A file is sent when it is missing on the target or differs: a different size,
 * or modification times (both in UTC) further apart than the tolerance; when the times differ but
 * the server can compute a checksum, the checksums decide. A file whose source and target are both
 * exactly as the cache recorded them after the last transfer is unchanged (an upload leaves the
 * server's own time on the target, which only the cache can recognise).
 */
public final class MirrorPlan {

    /** What to do with one file. */
    public enum Kind {
        TRANSFER, SKIP, CHECKSUM, DELETE
    }

    /** One decision. */
    public record Step(String path, Kind kind, String reason, FileEntry source, FileEntry target) {
    }

    /** What was recorded for a file after it was last transferred or found equal. */
    public record Cached(long sourceSize, long sourceMtime, long targetSize, long targetMtime) {

        /**
         * True when both sides are as recorded (times compared to the second: a server may give
         * milliseconds in one command and seconds in another).
         */
        boolean matches(FileEntry source, FileEntry target) {
            return source.size() == sourceSize && sameSecond(source.mtimeMillis(), sourceMtime)
                    && target.size() == targetSize && sameSecond(target.mtimeMillis(), targetMtime);
        }

        private static boolean sameSecond(long a, long b) {
            return a >= 0 && b >= 0 && Math.floorDiv(a, 1000) == Math.floorDiv(b, 1000);
        }
    }

    private MirrorPlan() {
    }

    /** The decision for one file present on the source. */
    public static Step decide(FileEntry source, FileEntry target, Cached cached, Duration tolerance, boolean checksums) {
        String path = source.path();
        if (target == null) {
            return new Step(path, Kind.TRANSFER, "new", source, null);
        }
        if (cached != null && cached.matches(source, target)) {
            return new Step(path, Kind.SKIP, "unchanged since the last run", source, target);
        }
        if (source.size() != target.size()) {
            return new Step(path, Kind.TRANSFER, "size differs", source, target);
        }
        if (source.mtime() != null && target.mtime() != null
                && Duration.between(source.mtime(), target.mtime()).abs().compareTo(tolerance) <= 0) {
            return new Step(path, Kind.SKIP, "same size and time", source, target);
        }
        if (checksums) {
            return new Step(path, Kind.CHECKSUM, "same size, time differs", source, target);
        }
        return new Step(path, Kind.TRANSFER, source.mtime() == null || target.mtime() == null
                ? "same size, time unknown" : "time differs", source, target);
    }

    /**
     * Every decision, in path order: each source file, then (with {@code delete}) each target
     * file the source does not have. The listings already leave excluded folders out.
     */
    public static List<Step> plan(Map<String, FileEntry> source, Map<String, FileEntry> target,
            Map<String, Cached> cache, Duration tolerance, boolean checksums, boolean delete) {
        List<Step> steps = new ArrayList<>();
        for (FileEntry s : new TreeMap<>(source).values()) {
            steps.add(decide(s, target.get(s.path()), cache.get(s.path()), tolerance, checksums));
        }
        if (delete) {
            for (FileEntry t : new TreeMap<>(target).values()) {
                if (!source.containsKey(t.path())) {
                    steps.add(new Step(t.path(), Kind.DELETE, "gone from the source", null, t));
                }
            }
        }
        return steps;
    }
}
