package io.lizsync.sync.db;

import io.lizsync.sync.engine.LoggedChange;
import io.lizsync.sync.engine.TableRef;
import io.vertx.mutiny.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reading {@code audit.logged_actions}: the columns to select and the mapping of a row. */
public final class ChangeLog {

    private ChangeLog() {
    }

    /** Select list matching {@link #toChange}; the table alias is {@code l}. */
    public static final String COLUMNS = """
            l.event_id, l.schema_name, l.table_name, l.uid::text, l.action::text,
            akeys(l.row_data), avals(l.row_data), akeys(l.changed_fields), avals(l.changed_fields),
            l.sync_data ->> 'origin', l.action_tstamp_tx""";

    /**
     * Select list for pulls, matching {@link #toChange}: the old values of updates and deletes
     * are left out (a pull replays new values only; the conflict check of a push needs them).
     */
    public static final String PULL_COLUMNS = """
            l.event_id, l.schema_name, l.table_name, l.uid::text, l.action::text,
            CASE WHEN l.action = 'I' THEN akeys(l.row_data) END, CASE WHEN l.action = 'I' THEN avals(l.row_data) END,
            akeys(l.changed_fields), avals(l.changed_fields), l.sync_data ->> 'origin', l.action_tstamp_tx""";

    /** @param localServer writer recorded for local edits (no origin in sync_data) */
    public static LoggedChange toChange(Row r, String localServer) {
        return toChange(r, localServer, null);
    }

    /** @param tables shares one TableRef per table between the changes read (may be null) */
    public static LoggedChange toChange(Row r, String localServer, Map<TableRef, TableRef> tables) {
        String origin = r.getString(9);
        OffsetDateTime at = r.getOffsetDateTime(10);
        TableRef table = new TableRef(r.getString(1), r.getString(2));
        if (tables != null) {
            table = tables.computeIfAbsent(table, t -> t);
        }
        return new LoggedChange(r.getLong(0), table, r.getString(3),
                r.getString(4).charAt(0), hstore(r.getArrayOfStrings(5), r.getArrayOfStrings(6)),
                hstore(r.getArrayOfStrings(7), r.getArrayOfStrings(8)), origin == null ? localServer : origin,
                at == null ? Instant.EPOCH : at.toInstant());
    }

    private static Map<String, String> hstore(String[] keys, String[] values) {
        Map<String, String> m = new LinkedHashMap<>();
        if (keys != null) {
            for (int i = 0; i < keys.length; i++) {
                m.put(keys[i], values[i]);
            }
        }
        return m;
    }
}
