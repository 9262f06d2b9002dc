package io.lizsync.sync.db;

import io.lizsync.sync.engine.LoggedChange;
import io.lizsync.sync.engine.TableRef;
import io.vertx.mutiny.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
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
            l.sync_data ->> 'origin', l.action_tstamp_tx,
            (l.sync_data -> 'field_times')::text, (l.sync_data -> 'field_origins')::text""";

    /**
     * Select list for pulls, matching {@link #toChange}: the old values of updates and deletes
     * are left out (a pull replays new values only; the conflict check of a push needs them).
     */
    public static final String PULL_COLUMNS = """
            l.event_id, l.schema_name, l.table_name, l.uid::text, l.action::text,
            CASE WHEN l.action = 'I' THEN akeys(l.row_data) END, CASE WHEN l.action = 'I' THEN avals(l.row_data) END,
            akeys(l.changed_fields), avals(l.changed_fields), l.sync_data ->> 'origin', l.action_tstamp_tx,
            (l.sync_data -> 'field_times')::text, (l.sync_data -> 'field_origins')::text""";

    /**
     * The log rows selected by {@code where} (over {@code from}, the log aliased {@code l}) grouped
     * by row, in replay order of the rows' net changes: rows whose net change is an insert first
     * (by their first event: parents before children), then updates, then deletes (by their last
     * event: children before parents); within a row, its events in order. A reader folds one row
     * at a time ({@link io.lizsync.sync.engine.Collapser.RowByRow}): memory does not grow with the
     * log, PostgreSQL sorts. The net kind is that of the row's last insert or delete (an update
     * when there is none); when it was written by {@code excludeParam}'s server after its echo
     * horizon ({@code horizonParam}), an insert is only an update for it (it has the row) and a
     * delete nothing. The replay class is the column after {@code columns} (0 insert, 1 update,
     * 2 delete): {@link io.lizsync.sync.engine.Routing#replayClass}, kept equal by a unit test.
     *
     * Names are compared byte-wise ({@code COLLATE "C"}): the sorts only group a row's events,
     * and the database's linguistic collation costs a third of a large push's read.
     *
     * @param excludeParam a bound parameter ({@code $3}) holding the server whose writes are left
     *                     out, or {@code "''"} for none
     * @param horizonParam a bound parameter ({@code $4::bigint}) or a literal holding its echo
     *                     horizon: its writes logged at or before that event id are not left out
     *                     ({@code "0"} for none)
     */
    public static String groupedByRow(String columns, String from, String where, String excludeParam,
            String horizonParam) {
        return "SELECT " + columns + ", l.lizsync_class FROM (SELECT l.*, CASE WHEN l.lizsync_kind IS NULL THEN 1 "
                + "WHEN substr(l.lizsync_kind, 20, 1) = 'D' THEN 2 WHEN substr(l.lizsync_kind, 21) = " + excludeParam
                + " AND substr(l.lizsync_kind, 1, 19)::bigint > " + horizonParam + " THEN 1 ELSE 0 END AS lizsync_class FROM (SELECT l.*, min(l.event_id) OVER r AS lizsync_first, "
                + "max(l.event_id) OVER r AS lizsync_last, max(CASE WHEN l.action IN ('I', 'D') THEN "
                + "lpad(l.event_id::text, 19, '0') || l.action::text || coalesce(l.sync_data ->> 'origin', '') END) "
                + "OVER r AS lizsync_kind FROM " + from + " WHERE " + where
                + " WINDOW r AS (PARTITION BY l.schema_name COLLATE \"C\", l.table_name COLLATE \"C\", l.uid)) l) l "
                + "ORDER BY l.lizsync_class, CASE WHEN l.lizsync_class = 0 THEN l.lizsync_first ELSE l.lizsync_last END, "
                + "l.schema_name COLLATE \"C\", l.table_name COLLATE \"C\", l.uid, l.event_id";
    }

    /** Select list for a clone's push: as for pulls (central needs no old values of the clone's rows). */
    public static final String PUSH_COLUMNS = PULL_COLUMNS;

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
        String fieldTimes = r.getString(11);
        String fieldOrigins = r.getString(12);
        Map<String, Instant> times = Map.of();
        Map<String, String> origins = Map.of();
        if (fieldTimes != null) {
            times = new HashMap<>();
            for (var e : new JsonObject(fieldTimes)) {
                times.put(e.getKey(), Instant.parse((String) e.getValue()));
            }
        }
        if (fieldOrigins != null) {
            origins = new HashMap<>();
            for (var e : new JsonObject(fieldOrigins)) {
                origins.put(e.getKey(), (String) e.getValue());
            }
        }
        return new LoggedChange(r.getLong(0), table, r.getString(3),
                r.getString(4).charAt(0), hstore(r.getArrayOfStrings(5), r.getArrayOfStrings(6)),
                hstore(r.getArrayOfStrings(7), r.getArrayOfStrings(8)), origin == null ? localServer : origin,
                at == null ? Instant.EPOCH : at.toInstant(), times, origins);
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
