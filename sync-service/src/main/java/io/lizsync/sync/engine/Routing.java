package io.lizsync.sync.engine;

import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * What a node sends to whom, as one decision over change records: the destination receives the
 * net change of a row's logged changes
 * <ul>
 * <li>only for the tables it synchronises (per-node table lists; row filters join here later);</li>
 * <li>never what it wrote itself (no echo): a row it inserted comes back only as the fields others
 * changed since, a row it deleted not at all;</li>
 * <li>except what an earlier incarnation of it wrote: a clone redeployed from a package does not
 * hold its own changes that central logged after the package's snapshot (the clone was rebuilt from
 * that snapshot), so changes of the destination logged at or before its
 * {@linkplain Destination#echoHorizon() echo horizon} (central's log position when the clone
 * registered after its deploy) are someone else's for it and are sent; only what it wrote after
 * that is an echo;</li>
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
     * @param nodeId      its server id (null: a node that receives everything, as central from a clone)
     * @param tables      the tables it synchronises (null: every table)
     * @param echoHorizon the last event id of the sender's log that an earlier incarnation of the
     *                    node wrote: changes written by {@code nodeId} with an event id at or below
     *                    it are not echoes for it (it was redeployed since and does not hold them);
     *                    0 when there is none (every change it wrote is an echo)
     */
    public record Destination(String nodeId, Set<TableRef> tables, long echoHorizon) {

        /** A destination without an echo horizon: everything it wrote is an echo. */
        public Destination(String nodeId, Set<TableRef> tables) {
            this(nodeId, tables, 0);
        }

        public Destination {
            if (echoHorizon < 0) {
                throw new IllegalArgumentException("echoHorizon must not be negative: " + echoHorizon);
            }
        }

        public boolean takes(TableRef t) {
            return tables == null || tables.contains(t);
        }

        /**
         * True when a change that {@code writer} made (or that came from it), logged as
         * {@code eventId}, is the destination's own: it holds it and must not receive it back.
         */
        public boolean isEcho(String writer, long eventId) {
            return nodeId != null && nodeId.equals(writer) && eventId > echoHorizon;
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
        Collapser.RowByRow fold = new Collapser.RowByRow(to);
        for (LoggedChange c : rowChanges) {
            if (fold.add(c) != null) {
                throw new IllegalArgumentException("route folds the changes of one row, not of several");
            }
        }
        return fold.finish();
    }

    /**
     * The replay class of a row's changes for {@code to}'s point of view: 0 insert, 1 update,
     * 2 delete. The row's net kind is that of its last insert or delete (an update when there is
     * none); an insert that is an echo for {@code to} ({@link Destination#isEcho}: it wrote it, after
     * its echo horizon) is only an update for it. This is what the log readers compute in SQL to
     * sort ({@code ChangeLog.groupedByRow}); a unit test keeps both equal.
     */
    public static int replayClass(List<LoggedChange> rowChanges, Destination to) {
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
        return to.isEcho(last.writer(), last.eventId()) ? 1 : 0;
    }
}
