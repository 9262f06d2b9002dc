package io.lizsync.sync.engine;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One row of {@code audit.logged_actions} as the engine sees it.
 *
 * @param eventId   event id on the node that logged it (order of writes to one row)
 * @param table     the table
 * @param uid       the row's uid (the synchronisation pivot)
 * @param action    I, U or D
 * @param rowData   I: the new row; U: previous values of the changed fields; D: the deleted row
 * @param changed   U: new values of the changed fields; empty otherwise
 * @param writer    server id of the node where the edit was made
 * @param editedAt  original edit time (transaction start), on the central clock
 * @param fieldTimes  original edit time of the fields whose time differs from {@code editedAt}
 *                    (a replayed net change folds edits made at different times)
 * @param fieldWriters origin of the fields whose origin differs from {@code writer}
 */
public record LoggedChange(long eventId, TableRef table, String uid, char action, Map<String, String> rowData,
        Map<String, String> changed, String writer, Instant editedAt, Map<String, Instant> fieldTimes,
        Map<String, String> fieldWriters) {

    public LoggedChange(long eventId, TableRef table, String uid, char action, Map<String, String> rowData,
            Map<String, String> changed, String writer, Instant editedAt) {
        this(eventId, table, uid, action, rowData, changed, writer, editedAt, Map.of(), Map.of());
    }

    public LoggedChange {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(uid, "uid");
        if (action != 'I' && action != 'U' && action != 'D') {
            throw new IllegalArgumentException("action must be I, U or D, not " + action);
        }
        rowData = rowData == null ? Map.of() : rowData;
        changed = changed == null ? Map.of() : changed;
        fieldTimes = fieldTimes == null ? Map.of() : fieldTimes;
        fieldWriters = fieldWriters == null ? Map.of() : fieldWriters;
    }

    /** When field {@code f} was really edited. */
    public Instant timeOf(String f) {
        return fieldTimes.getOrDefault(f, editedAt);
    }

    /** Where field {@code f} was really edited. */
    public String writerOf(String f) {
        return fieldWriters.getOrDefault(f, writer);
    }
}
