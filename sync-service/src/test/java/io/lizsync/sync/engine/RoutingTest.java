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

/** What a node sends to whom: no echo, derived rows still travel, each node only its tables, replay order. */
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
            assertEquals(n.kind().ordinal(), Routing.replayClass(row, CLONE), "row " + row.get(0).uid());
        }
        var parent = Routing.route(List.of(ins(PARCEL, "p", Map.of("uid", "p"), CENTRAL, 5)), CLONE_ALL);
        var child = Routing.route(List.of(ins(NOTE, "k", Map.of("uid", "k"), CENTRAL, 6)), CLONE_ALL);
        var gone = Routing.route(List.of(del(NOTE, "g", Map.of("uid", "g"), CENTRAL, 1)), CLONE_ALL);
        var changed = Routing.route(List.of(upd(NOTE, "h", Map.of("body", "x"), CENTRAL, 9)), CLONE_ALL);
        List<NetChange> all = new ArrayList<>(List.of(gone, changed, child, parent));
        all.sort(Routing.ORDER);
        assertEquals(List.of(parent, child, changed, gone), all);
    }
}
