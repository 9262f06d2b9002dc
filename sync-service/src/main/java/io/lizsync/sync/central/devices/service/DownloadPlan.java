package io.lizsync.sync.central.devices.service;

import io.lizsync.sync.central.exchange.service.ExchangeException;

/**
 * What one download answers, decided from what the device holds (pure: no I/O).
 * <ul>
 * <li>no device id, no position, another area, or a truncated table: the whole layer (in the
 * area), flagged reset: the device replaces its copy once the answer is complete;</li>
 * <li>a position the log no longer covers (pruned past it): refused, "download the layer again",
 * never a partial answer;</li>
 * <li>otherwise a delta: the rows whose log rows belong to transactions not visible in the
 * position's snapshot.</li>
 * </ul>
 */
public final class DownloadPlan {

    /** The refusal of a position the log no longer covers; the position is dropped with it. */
    public static final String OUT_OF_RANGE = "the device's position is older than central's log retention:"
            + " download the layer again (its position was dropped: the next download sends the whole layer, reset)";

    private DownloadPlan() {
    }

    /** The kind of answer. */
    public enum Mode {
        RESET, DELTA
    }

    /**
     * A device's confirmed position for the layer.
     *
     * @param xmin the oldest transaction its snapshot does not see (pg_snapshot_xmin)
     * @param area EWKT in the layer's SRID, null for the whole layer
     * @param structureVersion the layer's structure version when the position was confirmed
     */
    public record Position(String snapshot, long xmin, String area, String structureVersion) {
    }

    /**
     * @param position     null without a device id or without a confirmed position
     * @param area         the area asked for, canonical EWKT in the layer's SRID (null: whole layer)
     * @param prunedBelow  transactions below it may have left the log (lizsync.log_horizon)
     * @param truncated    a TRUNCATE of the table since the position (its rows are not in the log)
     * @param structureVersion the layer's structure version now
     */
    public static Mode decide(Position position, String area, long prunedBelow, boolean truncated,
            String structureVersion) {
        if (position == null) {
            return Mode.RESET;
        }
        checkRetention(position.xmin(), prunedBelow);
        if (!java.util.Objects.equals(position.area(), area) || truncated
                || !position.structureVersion().equals(structureVersion)) {
            return Mode.RESET;
        }
        return Mode.DELTA;
    }

    /** Refuses a position whose changes may have been pruned from the log. */
    public static void checkRetention(long positionXmin, long prunedBelow) {
        if (positionXmin < prunedBelow) {
            throw new ExchangeException(ExchangeException.Reason.PRECONDITION, OUT_OF_RANGE);
        }
    }

    /**
     * The LIMIT of a delta's first read sent ahead, in the page's first round trip (before the
     * layer's description and the device's position are back): one chunk's worth, plus one row
     * that tells whether the read holds the whole page.
     */
    public static int aheadLimit(int pageSize, int chunk) {
        return Math.min(pageSize, chunk) + 1;
    }

    /**
     * Whether a read sent ahead with {@link #aheadLimit} that returned {@code rows} rows is exactly
     * what the page's cursor would have read first: always when the page is smaller than a chunk
     * (both read the whole LIMIT page size + 1), else when it holds the whole page (fewer rows than
     * its limit). Otherwise it is dropped and the page is read through its cursor.
     */
    public static boolean aheadServes(int pageSize, int chunk, int rows) {
        return pageSize < chunk || rows < aheadLimit(pageSize, chunk);
    }

    /** Page size asked for, bounded: default 10 000, at most 1 000 000. */
    public static int pageSize(int asked) {
        if (asked < 0) {
            throw new IllegalArgumentException("page_size must not be negative");
        }
        return asked == 0 ? 10_000 : Math.min(asked, 1_000_000);
    }
}
