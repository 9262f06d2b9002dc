package io.lizsync.sync.engine;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a node sends to whom, as one decision over change records: the destination receives the
 * net change of a row's logged changes
 * <ul>
 * <li>only for the tables it synchronises (per-node table lists; row filters join here later);</li>
 * <li>never what it wrote itself (no echo): a row it inserted comes back only as the fields others
 * changed since, a row it deleted not at all;</li>
 * <li>nor what came from it: a tier relays its children's edits to its parent, and the parent must
 * not send them back down (their writer is the child, the node they came from is the tier: a
 * logged change's {@code writer} is the node it came from, its field writers the nodes that made
 * the edits); otherwise the edit would travel up and down for ever;</li>
 * <li>but everything others wrote, rows derived by another node's triggers from its own changes
 * included (their writer is that node);</li>
 * <li>in replay order ({@link #ORDER}): inserts by first event (parents before children), then
 * updates, then deletes by last event (children before parents).</li>
 * </ul>
 * The same rule serves every hop: central to a clone now, a tier to its children and its parent
 * later. The log readers sort rows by {@link #replayClass} in SQL and fold them row by row with
 * {@link Collapser.RowByRow}, which applies {@link #route}'s rule.
 */
public final class Routing {

    private Routing() {
    }

    /**
     * A node changes are sent to.
     *
     * @param nodeId its server id (null: a node that receives everything, as central from a clone)
     * @param tables the tables it synchronises (null: every table)
     */
    public record Destination(String nodeId, Set<TableRef> tables) {
        public boolean takes(TableRef t) {
            return tables == null || tables.contains(t);
        }
    }

    /** Replay order of net changes. */
    public static final Comparator<NetChange> ORDER = Collapser.REPLAY_ORDER;

    /**
     * The net change {@code to} receives of one row's changes (given in event order), or null when
     * it receives nothing of them.
     */
    public static NetChange route(List<LoggedChange> rowChanges, Destination to) {
        if (rowChanges.isEmpty() || !to.takes(rowChanges.get(0).table())) {
            return null;
        }
        Collapser.RowByRow fold = new Collapser.RowByRow(to.nodeId());
        for (LoggedChange c : rowChanges) {
            if (fold.add(c) != null) {
                throw new IllegalArgumentException("route folds the changes of one row, not of several");
            }
        }
        return fold.finish();
    }

    /**
     * The replay class of a row's changes for {@code excluded}'s point of view: 0 insert, 1 update,
     * 2 delete. The row's net kind is that of its last insert or delete (an update when there is
     * none); an insert written by the excluded node is only an update for it. This is what the log
     * readers compute in SQL to sort ({@code ChangeLog.groupedByRow}); a unit test keeps both equal.
     */
    public static int replayClass(List<LoggedChange> rowChanges, String excluded) {
        LoggedChange last = null;
        for (LoggedChange c : rowChanges) {
            if (c.action() == 'I' || c.action() == 'D') {
                last = c;
            }
        }
        if (last == null) {
            return 1;
        }
        if (last.action() == 'D') {
            return 2;
        }
        return Objects.equals(last.writer(), excluded) ? 1 : 0;
    }
}
