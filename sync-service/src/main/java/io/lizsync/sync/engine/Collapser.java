package io.lizsync.sync.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds logged changes into one net change per row: consecutive changes of a field collapse to
 * the last, an insert followed by updates is one insert, anything followed by a delete is a
 * delete. With {@code exclude}, what that server wrote last is left out: a node never receives
 * back its own changes (no echo), but still receives the fields others changed after it. With a
 * {@link Routing.Destination}, what the node wrote at or before its echo horizon is not an echo
 * (an earlier incarnation of it wrote it: {@link Routing}).
 * The result is ordered so that foreign keys on uid hold while it is replayed: inserts first (in
 * the order they were made: parents before children), then updates, then deletes (in the order
 * they were made: children before parents).
 */
public final class Collapser {

    private Collapser() {
    }

    private static final class Fold {
        final TableRef table;
        final String uid;
        NetChange.Kind kind;
        String rowWriter;
        /** Event id of the insert or delete that decided the kind (its writer is {@link #rowWriter}). */
        long rowEvent;
        final Map<String, String> values = new LinkedHashMap<>();
        final Map<String, Instant> times = new HashMap<>();
        final Map<String, String> writers = new HashMap<>();
        /** Per field: the node the change that set it last came from (the log row's writer). */
        final Map<String, String> hops = new HashMap<>();
        /** Per field: the event id of the change that set it last. */
        final Map<String, Long> events = new HashMap<>();
        Map<String, String> oldRow = new LinkedHashMap<>();
        Instant editedAt;
        long first;
        long last;
        final List<Long> ids = new ArrayList<>();

        Fold(TableRef table, String uid) {
            this.table = table;
            this.uid = uid;
        }

        void apply(LoggedChange c) {
            if (ids.isEmpty()) {
                first = c.eventId();
            }
            ids.add(c.eventId());
            last = c.eventId();
            editedAt = c.editedAt();
            switch (c.action()) {
                case 'I' -> {
                    kind = NetChange.Kind.UPSERT;
                    rowWriter = c.writer();
                    rowEvent = c.eventId();
                    values.clear();
                    times.clear();
                    writers.clear();
                    hops.clear();
                    events.clear();
                    setAll(c.rowData(), c);
                }
                case 'U' -> {
                    if (kind == null) {
                        kind = NetChange.Kind.UPDATE;
                        oldRow.putAll(c.rowData());
                    } else if (kind == NetChange.Kind.DELETE) {
                        // An update logged after a delete of the same uid cannot come from one
                        // node's serial history; keep the delete (the row is gone).
                        return;
                    } else if (kind == NetChange.Kind.UPDATE) {
                        c.rowData().forEach(oldRow::putIfAbsent);
                    }
                    setAll(c.changed(), c);
                }
                default -> {
                    kind = NetChange.Kind.DELETE;
                    rowWriter = c.writer();
                    rowEvent = c.eventId();
                    oldRow = new LinkedHashMap<>(c.rowData());
                    values.clear();
                    times.clear();
                    writers.clear();
                    hops.clear();
                    events.clear();
                }
            }
        }

        private void setAll(Map<String, String> fields, LoggedChange c) {
            for (var e : fields.entrySet()) {
                values.put(e.getKey(), e.getValue());
                times.put(e.getKey(), c.timeOf(e.getKey()));
                writers.put(e.getKey(), c.writerOf(e.getKey()));
                hops.put(e.getKey(), c.writer());
                events.put(e.getKey(), c.eventId());
            }
        }

        /** The net change for {@code to} (null: for a node that receives everything). */
        NetChange result(Routing.Destination to) {
            NetChange.Kind k = kind;
            Map<String, String> v = values; // a fold gives its result once and is dropped
            if (to != null && to.nodeId() != null) {
                if ((k == NetChange.Kind.DELETE || k == NetChange.Kind.UPSERT) && to.isEcho(rowWriter, rowEvent)) {
                    if (k == NetChange.Kind.DELETE) {
                        return null;
                    }
                    // The excluded node inserted the row: it has it; send only what others changed since.
                    k = NetChange.Kind.UPDATE;
                }
                if (k == NetChange.Kind.UPDATE) {
                    // Neither what it wrote nor what came from it (a tier relays its children's
                    // edits: their writer is the child, but they came from the tier).
                    v.keySet().removeIf(f -> {
                        long event = events.get(f);
                        return to.isEcho(writers.get(f), event) || to.isEcho(hops.get(f), event);
                    });
                    if (v.isEmpty()) {
                        return null;
                    }
                }
            }
            Map<String, Instant> t = new HashMap<>();
            Map<String, String> w = new HashMap<>();
            for (String f : v.keySet()) {
                t.put(f, times.get(f));
                w.put(f, writers.get(f));
            }
            return new NetChange(table, uid, k, v, t, w, oldRow, rowWriter, editedAt, first, last, ids);
        }
    }

    /** Collapses changes given in event order; {@code exclude} may be null. */
    public static List<NetChange> collapse(List<LoggedChange> changes, String exclude) {
        Folder folder = new Folder();
        changes.forEach(folder::add);
        return folder.resultFor(new Routing.Destination(exclude, null));
    }

    /**
     * Collapses changes given in event order for {@code to}: what it wrote after its echo horizon is
     * left out ({@link Routing}); tables are not filtered.
     */
    public static List<NetChange> collapseFor(List<LoggedChange> changes, Routing.Destination to) {
        Folder folder = new Folder();
        changes.forEach(folder::add);
        return folder.resultFor(to);
    }

    /**
     * Collapses changes fed one by one in event order, so that a long log can be read in chunks
     * without keeping every logged change: memory grows with the rows changed, not the changes.
     */
    public static final class Folder {
        private final Map<NetChange.RowKey, Fold> folds = new LinkedHashMap<>();
        private long added;

        public void add(LoggedChange c) {
            folds.computeIfAbsent(new NetChange.RowKey(c.table(), c.uid()), k -> new Fold(k.table(), k.uid())).apply(c);
            added++;
        }

        /** Changes fed so far. */
        public long added() {
            return added;
        }

        /** The net changes in replay order; the folder is empty afterwards. */
        public List<NetChange> result(String exclude) {
            return resultFor(new Routing.Destination(exclude, null));
        }

        /** The net changes for {@code to} in replay order (tables are not filtered); the folder is empty afterwards. */
        public List<NetChange> resultFor(Routing.Destination to) {
            List<NetChange> out = new ArrayList<>(folds.size());
            var it = folds.values().iterator();
            while (it.hasNext()) {
                NetChange n = it.next().result(to);
                it.remove();
                if (n != null) {
                    out.add(n);
                }
            }
            out.sort(REPLAY_ORDER);
            return out;
        }
    }

    /**
     * Collapses changes that arrive grouped by row (every change of a row, in event order, before
     * the next row's): memory holds one row, whatever the length of the log. The caller orders
     * the groups (a log read ordered by replay class, then row, then event).
     */
    public static final class RowByRow {
        private final Routing.Destination to;
        private Fold current;

        /** Folds for {@code to}: its tables only, nothing it wrote itself after its echo horizon ({@link Routing}). */
        public RowByRow(Routing.Destination to) {
            this.to = to;
        }

        /** Folds everything, excluding what {@code exclude} wrote (null: nothing). */
        public RowByRow(String exclude) {
            this(new Routing.Destination(exclude, null));
        }

        /** Feeds the next change; returns the previous row's net change when this one starts a new row. */
        public NetChange add(LoggedChange c) {
            NetChange done = null;
            if (current != null && !(current.uid.equals(c.uid()) && current.table.equals(c.table()))) {
                done = current.result(to);
                current = null;
            }
            if (!to.takes(c.table())) {
                return done;
            }
            if (current == null) {
                current = new Fold(c.table(), c.uid());
            }
            current.apply(c);
            return done;
        }

        /** The last row's net change (null when there is none, or nothing is left after exclusion). */
        public NetChange finish() {
            NetChange done = current == null ? null : current.result(to);
            current = null;
            return done;
        }
    }

    /** Inserts by first event, then updates, then deletes by last event. */
    public static final Comparator<NetChange> REPLAY_ORDER = Comparator
            .comparingInt((NetChange n) -> n.kind().ordinal())
            .thenComparingLong(n -> n.kind() == NetChange.Kind.UPSERT ? n.firstEventId() : n.lastEventId());
}
