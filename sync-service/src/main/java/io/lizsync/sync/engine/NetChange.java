package io.lizsync.sync.engine;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The net effect of the changes of one row: what has to be replayed elsewhere.
 *
 * @param kind         UPSERT (the whole row), UPDATE (some fields), DELETE
 * @param values       UPSERT: every field; UPDATE: the changed fields (last value of each)
 * @param fieldTimes   edit time of the last change of each field in {@code values}
 * @param fieldWriters server that made the last change of each field in {@code values}
 * @param oldRow       DELETE: the deleted row; otherwise the first known previous values
 * @param writer       server of the change that decided the kind (the insert or the delete)
 * @param editedAt     time of the last change of the row
 * @param eventIds     every event folded into this change
 */
public record NetChange(TableRef table, String uid, Kind kind, Map<String, String> values,
        Map<String, Instant> fieldTimes, Map<String, String> fieldWriters, Map<String, String> oldRow,
        String writer, Instant editedAt, long firstEventId, long lastEventId, List<Long> eventIds) {

    /** What a net change does. */
    public enum Kind {
        UPSERT, UPDATE, DELETE
    }

    /** The same change with every edit time moved by {@code shift} (a clone's times onto central's clock). */
    public NetChange shifted(java.time.Duration shift) {
        if (shift.isZero()) {
            return this;
        }
        Map<String, Instant> times = new java.util.HashMap<>();
        fieldTimes.forEach((f, t) -> times.put(f, t.plus(shift)));
        return new NetChange(table, uid, kind, values, times, fieldWriters, oldRow, writer,
                editedAt == null ? null : editedAt.plus(shift), firstEventId, lastEventId, eventIds);
    }

    public RowKey key() {
        return new RowKey(table, uid);
    }

    /** The identity of a row across nodes. */
    public record RowKey(TableRef table, String uid) {
    }
}
