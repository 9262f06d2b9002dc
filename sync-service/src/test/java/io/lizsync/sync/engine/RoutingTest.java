package io.lizsync.sync.engine;

import static io.lizsync.sync.engine.EngineTest.CENTRAL;
import static io.lizsync.sync.engine.EngineTest.CLONE;
import static io.lizsync.sync.engine.EngineTest.NOTE;
import static io.lizsync.sync.engine.EngineTest.PARCEL;
import static io.lizsync.sync.engine.EngineTest.del;
import static io.lizsync.sync.engine.EngineTest.ins;
import static io.lizsync.sync.engine.EngineTest.upd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What a node sends to whom: no echo (but a redeployed clone gets back what its earlier
 * incarnation wrote), derived rows still travel, each node only its tables, replay order.
 */
class RoutingTest {

    static final Routing.Destination CLONE_ALL = new Routing.Destination(CLONE, Set.of(PARCEL, NOTE));

    @Test
    void noEchoToTheOrigin() {
        assertNull(Routing.route(List.of(upd(PARCEL, "u1", Map.of("name", "mine"), CLONE, 1)), CLONE_ALL));
        assertNull(Routing.route(List.of(ins(PARCEL, "u2", Map.of("uid", "u2"), CLONE, 1),
                del(PARCEL, "u2", Map.of("uid", "u2"), CLONE, 2)), CLONE_ALL));
        // Its own insert, changed since by central: only central's field comes back.
        var back = Routing.route(List.of(ins(PARCEL, "u3", Map.of("uid", "u3", "name", "a", "area", "1"), CLONE, 1),
                upd(PARCEL, "u3", Map.of("area", "2"), CENTRAL, 2)), CLONE_ALL);
        assertEquals(NetChange.Kind.UPDATE, back.kind());
        assertEquals(Map.of("area", "2"), back.values());
    }

    /** A tier ("tier") relays the edits of its child ("leaf") to its parent (central). */
    @Test
    void whatATierRelayedUpIsNotSentBackDownToIt() {
        String tier = "tier";
        String leaf = "leaf";
        var toTier = new Routing.Destination(tier, Set.of(PARCEL, NOTE));
        // On the parent: the leaf's edits arrived from the tier (log row writer: tier; field writer: leaf).
        var relayed = new LoggedChange(100, PARCEL, "r1", 'U', Map.of(), Map.of("name", "leaf's"), tier,
                EngineTest.T0, Map.of(), Map.of("name", leaf));
        assertNull(Routing.route(List.of(relayed), toTier));
        var relayedInsert = new LoggedChange(101, PARCEL, "r2", 'I', Map.of("uid", "r2", "name", "x"), Map.of(), tier,
                EngineTest.T0, Map.of(), Map.of("uid", leaf, "name", leaf));
        assertNull(Routing.route(List.of(relayedInsert), toTier));
        // But the parent's own later edit of another field of that row does go down.
        var then = upd(PARCEL, "r1", Map.of("area", "9"), CENTRAL, 3);
        assertEquals(Map.of("area", "9"), Routing.route(List.of(relayed, then), toTier).values());
        // And the same relayed edit goes to the tier's siblings (neither its writer nor where it came from).
        var sibling = new Routing.Destination("sibling", Set.of(PARCEL));
        var down = Routing.route(List.of(relayed), sibling);
        assertEquals(Map.of("name", "leaf's"), down.values());
        assertEquals(leaf, down.fieldWriters().get("name"));
        // On the tier, what it pulled from its parent (writer: central) is not pushed back up.
        var pulled = upd(PARCEL, "r3", Map.of("name", "central's"), CENTRAL, 4);
        assertNull(Routing.route(List.of(pulled), new Routing.Destination(CENTRAL, null)));
        // ... but goes down to its leaf.
        assertEquals(Map.of("name", "central's"),
                Routing.route(List.of(pulled), new Routing.Destination(leaf, Set.of(PARCEL))).values());
    }

    @Test
    void rowsDerivedFromTheOriginsChangeStillReachIt() {
        // The clone's replayed change, then a row central's trigger derived from it (writer: central).
        var derived = Routing.route(List.of(ins(NOTE, "n1", Map.of("uid", "n1", "body", "derived"), CENTRAL, 1)),
                CLONE_ALL);
        assertEquals(NetChange.Kind.UPSERT, derived.kind());
        var sameRow = Routing.route(List.of(upd(PARCEL, "u4", Map.of("name", "clone's"), CLONE, 1),
                upd(PARCEL, "u4", Map.of("area", "derived"), CENTRAL, 1)), CLONE_ALL);
        assertEquals(Map.of("area", "derived"), sameRow.values());
    }

    @Test
    void eachNodeGetsOnlyItsTables() {
        var onlyParcels = new Routing.Destination(CLONE, Set.of(PARCEL));
        assertNull(Routing.route(List.of(ins(NOTE, "n2", Map.of("uid", "n2"), CENTRAL, 1)), onlyParcels));
        assertEquals("u5", Routing.route(List.of(upd(PARCEL, "u5", Map.of("name", "x"), CENTRAL, 1)), onlyParcels).uid());
        // The row-by-row reader applies the same rule to a whole log.
        var fold = new Collapser.RowByRow(onlyParcels);
        List<NetChange> out = new ArrayList<>();
        for (LoggedChange c : List.of(ins(NOTE, "n3", Map.of("uid", "n3"), CENTRAL, 1),
                upd(PARCEL, "u6", Map.of("name", "y"), CENTRAL, 2), ins(NOTE, "n4", Map.of("uid", "n4"), CENTRAL, 3))) {
            NetChange n = fold.add(c);
            if (n != null) {
                out.add(n);
            }
        }
        NetChange last = fold.finish();
        if (last != null) {
            out.add(last);
        }
        assertEquals(1, out.size());
        assertEquals("u6", out.get(0).uid());
    }

    @Test
    void theReplayClassTheLogReadersSortByIsTheKindTheFoldGives() {
        List<List<LoggedChange>> rows = List.of(
                List.of(ins(PARCEL, "a", Map.of("uid", "a"), CENTRAL, 1), upd(PARCEL, "a", Map.of("n", "1"), CENTRAL, 2)),
                List.of(ins(PARCEL, "b", Map.of("uid", "b"), CLONE, 1), upd(PARCEL, "b", Map.of("n", "1"), CENTRAL, 2)),
                List.of(upd(PARCEL, "c", Map.of("n", "1"), CENTRAL, 1)),
                List.of(upd(PARCEL, "d", Map.of("n", "1"), CENTRAL, 1), del(PARCEL, "d", Map.of("uid", "d"), CENTRAL, 2)),
                List.of(del(PARCEL, "e", Map.of("uid", "e"), CENTRAL, 1), ins(PARCEL, "e", Map.of("uid", "e"), CENTRAL, 2)));
        for (List<LoggedChange> row : rows) {
            NetChange n = Routing.route(row, CLONE_ALL);
            assertEquals(n.kind().ordinal(), Routing.replayClass(row, CLONE_ALL), "row " + row.get(0).uid());
        }
        var parent = Routing.route(List.of(ins(PARCEL, "p", Map.of("uid", "p"), CENTRAL, 5)), CLONE_ALL);
        var child = Routing.route(List.of(ins(NOTE, "k", Map.of("uid", "k"), CENTRAL, 6)), CLONE_ALL);
        var gone = Routing.route(List.of(del(NOTE, "g", Map.of("uid", "g"), CENTRAL, 1)), CLONE_ALL);
        var changed = Routing.route(List.of(upd(NOTE, "h", Map.of("body", "x"), CENTRAL, 9)), CLONE_ALL);
        List<NetChange> all = new ArrayList<>(List.of(gone, changed, child, parent));
        all.sort(Routing.ORDER);
        assertEquals(List.of(parent, child, changed, gone), all);
    }

    /** The same change logged as event {@code eventId} (the sender's log position). */
    static LoggedChange at(long eventId, LoggedChange c) {
        return new LoggedChange(eventId, c.table(), c.uid(), c.action(), c.rowData(), c.changed(), c.writer(),
                c.editedAt(), c.fieldTimes(), c.fieldWriters());
    }

    /** The clone registered again (redeployed) when central's log was at event 100. */
    static final Routing.Destination REDEPLOYED = new Routing.Destination(CLONE, Set.of(PARCEL, NOTE), 100);

    @Test
    void aRedeployedCloneGetsBackWhatItsEarlierIncarnationWrote() {
        // Its insert, update and delete sent before the redeploy (logged up to the horizon): someone else's.
        var inserted = Routing.route(List.of(at(90, ins(PARCEL, "i", Map.of("uid", "i", "name", "old"), CLONE, 1))),
                REDEPLOYED);
        assertEquals(NetChange.Kind.UPSERT, inserted.kind());
        assertEquals(Map.of("uid", "i", "name", "old"), inserted.values());
        var updated = Routing.route(List.of(at(91, upd(PARCEL, "u", Map.of("name", "edited"), CLONE, 2))), REDEPLOYED);
        assertEquals(NetChange.Kind.UPDATE, updated.kind());
        assertEquals(Map.of("name", "edited"), updated.values());
        var deleted = Routing.route(List.of(at(100, del(PARCEL, "d", Map.of("uid", "d"), CLONE, 3))), REDEPLOYED);
        assertEquals(NetChange.Kind.DELETE, deleted.kind());
        // What the new incarnation wrote (past the horizon) is an echo as always.
        assertNull(Routing.route(List.of(at(101, upd(PARCEL, "u", Map.of("name", "new"), CLONE, 4))), REDEPLOYED));
        assertNull(Routing.route(List.of(at(102, ins(PARCEL, "n", Map.of("uid", "n"), CLONE, 4))), REDEPLOYED));
        assertNull(Routing.route(List.of(at(103, del(PARCEL, "d", Map.of("uid", "d"), CLONE, 4))), REDEPLOYED));
        // Without a horizon (never redeployed) nothing it wrote comes back.
        assertNull(Routing.route(List.of(at(90, upd(PARCEL, "u", Map.of("name", "edited"), CLONE, 2))), CLONE_ALL));
        // The horizon is the destination's own: another node gets the clone's changes wherever they are logged.
        assertEquals(Map.of("name", "new"), Routing.route(List.of(at(101, upd(PARCEL, "u", Map.of("name", "new"),
                CLONE, 4))), new Routing.Destination("clone-b", Set.of(PARCEL), 100)).values());
    }

    @Test
    void withinOneRowTheHorizonDecidesFieldByField() {
        // The earlier incarnation changed name and area; the new one changed name again since.
        var back = Routing.route(List.of(at(50, upd(PARCEL, "r", Map.of("name", "old", "area", "7"), CLONE, 1)),
                at(120, upd(PARCEL, "r", Map.of("name", "new"), CLONE, 2))), REDEPLOYED);
        assertEquals(NetChange.Kind.UPDATE, back.kind());
        assertEquals(Map.of("area", "7"), back.values());
        // A row the earlier incarnation inserted comes whole (the new one does not have it), with the
        // new incarnation's later value of a field it could only have written after pulling the row.
        var whole = Routing.route(List.of(at(60, ins(PARCEL, "w", Map.of("uid", "w", "name", "a"), CLONE, 1)),
                at(130, upd(PARCEL, "w", Map.of("name", "b"), CLONE, 2))), REDEPLOYED);
        assertEquals(NetChange.Kind.UPSERT, whole.kind());
        assertEquals(Map.of("uid", "w", "name", "b"), whole.values());
        // Relayed edits (a tier's children) that came from the destination before its horizon go back too.
        var relayed = new LoggedChange(70, PARCEL, "t", 'U', Map.of(), Map.of("name", "leaf's"), CLONE,
                EngineTest.T0, Map.of(), Map.of("name", "leaf"));
        assertEquals(Map.of("name", "leaf's"), Routing.route(List.of(relayed), REDEPLOYED).values());
        assertNull(Routing.route(List.of(at(140, relayed)), REDEPLOYED));
    }

    @Test
    void theReplayClassFollowsTheHorizon() {
        List<List<LoggedChange>> rows = List.of(
                List.of(at(10, ins(PARCEL, "a", Map.of("uid", "a"), CLONE, 1))),
                List.of(at(110, ins(PARCEL, "b", Map.of("uid", "b"), CLONE, 1)),
                        at(111, upd(PARCEL, "b", Map.of("n", "1"), CENTRAL, 2))),
                List.of(at(20, ins(PARCEL, "c", Map.of("uid", "c"), CLONE, 1)),
                        at(120, upd(PARCEL, "c", Map.of("n", "1"), CLONE, 2))),
                List.of(at(30, upd(PARCEL, "d", Map.of("n", "1"), CLONE, 1))),
                List.of(at(40, del(PARCEL, "e", Map.of("uid", "e"), CLONE, 1))),
                List.of(at(100, ins(PARCEL, "f", Map.of("uid", "f"), CLONE, 1)),
                        at(101, upd(PARCEL, "f", Map.of("n", "2"), CENTRAL, 2))));
        for (List<LoggedChange> row : rows) {
            NetChange n = Routing.route(row, REDEPLOYED);
            assertEquals(n.kind().ordinal(), Routing.replayClass(row, REDEPLOYED), "row " + row.get(0).uid());
        }
        assertEquals(0, Routing.replayClass(rows.get(0), REDEPLOYED));
        assertEquals(1, Routing.replayClass(rows.get(0), CLONE_ALL));
        assertEquals(1, Routing.replayClass(rows.get(1), REDEPLOYED));
        // The row-by-row reader gives what route gives, row by row.
        var fold = new Collapser.RowByRow(REDEPLOYED);
        List<NetChange> streamed = new ArrayList<>();
        for (List<LoggedChange> row : rows) {
            for (LoggedChange c : row) {
                NetChange done = fold.add(c);
                if (done != null) {
                    streamed.add(done);
                }
            }
        }
        streamed.add(fold.finish());
        List<NetChange> routed = new ArrayList<>();
        rows.forEach(row -> routed.add(Routing.route(row, REDEPLOYED)));
        assertEquals(routed, streamed);
        // and so does the fold of a whole log (central's side of a push's conflict check), in replay order
        List<LoggedChange> log = new ArrayList<>();
        rows.forEach(log::addAll);
        log.sort(java.util.Comparator.comparingLong(LoggedChange::eventId));
        List<NetChange> whole = Collapser.collapseFor(log, REDEPLOYED);
        routed.sort(Routing.ORDER);
        assertEquals(routed, whole);
    }
}
