package io.lizsync.sync.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The engine's decisions as plain functions over change records: no database. */
class EngineTest {

    static final TableRef PARCEL = new TableRef("field", "parcel");
    static final TableRef NOTE = new TableRef("field", "note");
    static final String CENTRAL = "central";
    static final String CLONE = "clone-a";
    static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");

    static long ids = 1;

    static LoggedChange ins(TableRef t, String uid, Map<String, String> row, String writer, int minute) {
        return new LoggedChange(ids++, t, uid, 'I', row, null, writer, T0.plusSeconds(60L * minute));
    }

    static LoggedChange upd(TableRef t, String uid, Map<String, String> changed, String writer, int minute) {
        return new LoggedChange(ids++, t, uid, 'U', Map.of(), changed, writer, T0.plusSeconds(60L * minute));
    }

    static LoggedChange del(TableRef t, String uid, Map<String, String> row, String writer, int minute) {
        return new LoggedChange(ids++, t, uid, 'D', row, null, writer, T0.plusSeconds(60L * minute));
    }

    @Test
    void consecutiveChangesOfAFieldCollapseToTheLast() {
        var net = Collapser.collapse(List.of(
                upd(PARCEL, "u1", Map.of("name", "a"), CENTRAL, 1),
                upd(PARCEL, "u1", Map.of("name", "b", "area", "2"), CENTRAL, 2),
                upd(PARCEL, "u1", Map.of("name", "c"), CENTRAL, 3)), null);
        assertEquals(1, net.size());
        assertEquals(NetChange.Kind.UPDATE, net.get(0).kind());
        assertEquals(Map.of("name", "c", "area", "2"), net.get(0).values());
        assertEquals(T0.plusSeconds(180), net.get(0).fieldTimes().get("name"));
        assertEquals(T0.plusSeconds(120), net.get(0).fieldTimes().get("area"));
    }

    @Test
    void insertThenUpdatesIsOneInsertAndDeleteWins() {
        var net = Collapser.collapse(List.of(
                ins(PARCEL, "u1", Map.of("uid", "u1", "name", "a"), CENTRAL, 1),
                upd(PARCEL, "u1", Map.of("name", "b"), CENTRAL, 2),
                ins(PARCEL, "u2", Map.of("uid", "u2", "name", "x"), CENTRAL, 3),
                del(PARCEL, "u2", Map.of("uid", "u2", "name", "x"), CENTRAL, 4)), null);
        assertEquals(2, net.size());
        assertEquals(NetChange.Kind.UPSERT, net.get(0).kind());
        assertEquals(Map.of("uid", "u1", "name", "b"), net.get(0).values());
        assertEquals(NetChange.Kind.DELETE, net.get(1).kind());
    }

    @Test
    void nothingReturnsToItsWriterButLaterFieldsOfOthersDo() {
        var net = Collapser.collapse(List.of(
                upd(PARCEL, "u1", Map.of("name", "central"), CENTRAL, 1),
                upd(PARCEL, "u1", Map.of("name", "clone"), CLONE, 2),
                upd(PARCEL, "u1", Map.of("area", "5"), CENTRAL, 3),
                ins(PARCEL, "u2", Map.of("uid", "u2", "name", "new"), CLONE, 4),
                upd(PARCEL, "u2", Map.of("area", "9"), CENTRAL, 5),
                del(PARCEL, "u3", Map.of("uid", "u3"), CLONE, 6)), CLONE);
        assertEquals(2, net.size(), net.toString());
        NetChange u1 = net.stream().filter(n -> n.uid().equals("u1")).findFirst().orElseThrow();
        assertEquals(Map.of("area", "5"), u1.values());
        NetChange u2 = net.stream().filter(n -> n.uid().equals("u2")).findFirst().orElseThrow();
        assertEquals(NetChange.Kind.UPDATE, u2.kind(), "the clone inserted u2: it only needs what central changed");
        assertEquals(Map.of("area", "9"), u2.values());
    }

    @Test
    void replayOrderKeepsForeignKeysOnUid() {
        var net = Collapser.collapse(List.of(
                del(NOTE, "child-old", Map.of(), CENTRAL, 1),
                ins(PARCEL, "parent", Map.of("uid", "parent"), CENTRAL, 2),
                ins(NOTE, "child", Map.of("uid", "child", "parcel_uid", "parent"), CENTRAL, 3),
                upd(PARCEL, "parent", Map.of("name", "later"), CENTRAL, 4),
                del(PARCEL, "parent-old", Map.of(), CENTRAL, 5)), null);
        List<String> order = new ArrayList<>();
        net.forEach(n -> order.add(n.kind() + ":" + n.uid()));
        assertEquals(List.of("UPSERT:parent", "UPSERT:child", "DELETE:child-old", "DELETE:parent-old"), order);
    }

    private static NetChange one(LoggedChange... changes) {
        return Collapser.collapse(List.of(changes), null).get(0);
    }

    @Test
    void sameFieldLastEditWinsBothWaysAndTiesGoToCentral() {
        NetChange clone = one(upd(PARCEL, "u1", Map.of("name", "clone", "area", "1"), CLONE, 5));
        NetChange centralEarlier = one(upd(PARCEL, "u1", Map.of("name", "central"), CENTRAL, 4));
        var r = ConflictResolver.resolve(List.of(clone), List.of(centralEarlier), t -> null);
        assertEquals(Map.of("name", "clone", "area", "1"), r.toApply().get(0).values());
        assertEquals("clone", r.decisions().get(0).winner());
        assertEquals("last_edit_wins", r.decisions().get(0).rule());
        assertEquals("central", r.decisions().get(0).centralValue());

        NetChange centralLater = one(upd(PARCEL, "u1", Map.of("name", "central"), CENTRAL, 6));
        r = ConflictResolver.resolve(List.of(clone), List.of(centralLater), t -> null);
        assertEquals(Map.of("area", "1"), r.toApply().get(0).values(), "the other field still applies");
        assertEquals("central", r.decisions().get(0).winner());

        NetChange centralSameTime = one(upd(PARCEL, "u1", Map.of("name", "central"), CENTRAL, 5));
        r = ConflictResolver.resolve(List.of(clone), List.of(centralSameTime), t -> null);
        assertEquals("central", r.decisions().get(0).winner());
    }

    @Test
    void differentFieldsOrEqualValuesAreNoConflict() {
        NetChange clone = one(upd(PARCEL, "u1", Map.of("name", "same", "owner", "x"), CLONE, 5));
        NetChange central = one(upd(PARCEL, "u1", Map.of("name", "same", "area", "3"), CENTRAL, 6));
        var r = ConflictResolver.resolve(List.of(clone), List.of(central), t -> null);
        assertTrue(r.decisions().isEmpty());
        assertEquals(Map.of("name", "same", "owner", "x"), r.toApply().get(0).values());
    }

    @Test
    void updateAgainstDeleteIsAConflictAndALaterUpdateRestoresTheRow() {
        NetChange clone = one(upd(PARCEL, "u1", Map.of("name", "kept"), CLONE, 5));
        NetChange centralDelete = one(del(PARCEL, "u1", Map.of("uid", "u1", "name", "old", "area", "7"), CENTRAL, 4));
        var r = ConflictResolver.resolve(List.of(clone), List.of(centralDelete), t -> null);
        assertEquals(1, r.decisions().size());
        assertEquals(null, r.decisions().get(0).field());
        assertEquals(NetChange.Kind.UPSERT, r.toApply().get(0).kind());
        assertEquals(Map.of("uid", "u1", "name", "kept", "area", "7"), r.toApply().get(0).values());

        NetChange lateDelete = one(del(PARCEL, "u1", Map.of("uid", "u1"), CENTRAL, 9));
        r = ConflictResolver.resolve(List.of(clone), List.of(lateDelete), t -> null);
        assertTrue(r.toApply().isEmpty());
        assertEquals("central", r.decisions().get(0).winner());
    }

    @Test
    void aCloneDeleteThatLosesMakesCentralResendTheRow() {
        NetChange cloneDelete = one(del(PARCEL, "u1", Map.of("uid", "u1"), CLONE, 3));
        NetChange centralUpdate = one(upd(PARCEL, "u1", Map.of("name", "later"), CENTRAL, 4));
        var r = ConflictResolver.resolve(List.of(cloneDelete), List.of(centralUpdate), t -> null);
        assertTrue(r.toApply().isEmpty());
        assertEquals(Set.of(new NetChange.RowKey(PARCEL, "u1")), r.resendRows());
    }

    @Test
    void policiesPerTable() {
        NetChange clone = one(upd(PARCEL, "u1", Map.of("name", "clone"), CLONE, 1));
        NetChange central = one(upd(PARCEL, "u1", Map.of("name", "central"), CENTRAL, 9));
        var r = ConflictResolver.resolve(List.of(clone), List.of(central), t -> ConflictPolicy.CLONE_WINS);
        assertEquals("clone", r.decisions().get(0).winner());
        assertEquals(1, r.toApply().size());
        r = ConflictResolver.resolve(List.of(clone), List.of(central), t -> ConflictPolicy.MANUAL);
        assertEquals("pending", r.decisions().get(0).winner());
        assertTrue(r.toApply().isEmpty(), "manual: the row keeps its central value until decided");
    }

    @Test
    void rowByRowFoldingGivesWhatTheWholeFoldGives() {
        List<LoggedChange> log = List.of(
                ins(PARCEL, "u1", Map.of("uid", "u1", "name", "a"), CLONE, 1),
                upd(PARCEL, "u1", Map.of("name", "b"), CENTRAL, 2),
                upd(PARCEL, "u2", Map.of("name", "x"), CLONE, 3),
                upd(PARCEL, "u2", Map.of("area", "9"), CENTRAL, 4),
                upd(NOTE, "u3", Map.of("text", "t"), CLONE, 5),
                del(NOTE, "u4", Map.of("uid", "u4"), CENTRAL, 6));
        List<LoggedChange> grouped = new ArrayList<>(log);
        grouped.sort(java.util.Comparator.comparing((LoggedChange c) -> c.table().toString()).thenComparing(LoggedChange::uid)
                .thenComparingLong(LoggedChange::eventId));
        var byRow = new Collapser.RowByRow(CLONE);
        List<NetChange> streamed = new ArrayList<>();
        for (LoggedChange c : grouped) {
            NetChange n = byRow.add(c);
            if (n != null) {
                streamed.add(n);
            }
        }
        NetChange last = byRow.finish();
        if (last != null) {
            streamed.add(last);
        }
        streamed.sort(Collapser.REPLAY_ORDER);
        assertEquals(Collapser.collapse(log, CLONE), streamed);
        // No echo: the clone's own insert comes back only as what central changed since.
        assertEquals(NetChange.Kind.UPDATE, streamed.get(0).kind());
        assertEquals(Map.of("name", "b"), streamed.get(0).values());
    }

    @Test
    void replayedChangesKeepTheirFieldsOriginalTimesAndOrigins() {
        Instant early = T0.plusSeconds(5);
        var replayed = new LoggedChange(ids++, PARCEL, "u9", 'U', Map.of(), Map.of("name", "a", "area", "2"), CLONE,
                T0.plusSeconds(60), Map.of("area", early), Map.of("area", "clone-b"));
        var net = Collapser.collapse(List.of(replayed), null).get(0);
        assertEquals(early, net.fieldTimes().get("area"));
        assertEquals(T0.plusSeconds(60), net.fieldTimes().get("name"));
        assertEquals("clone-b", net.fieldWriters().get("area"));
        assertEquals(CLONE, net.fieldWriters().get("name"));
    }

    @Test
    void aDecisionWhoseTimesAreCloserThanTheClockUncertaintySaysSo() {
        var central = Collapser.collapse(List.of(upd(PARCEL, "u1", Map.of("name", "c"), CENTRAL, 10)), CLONE);
        var clone = Collapser.collapse(List.of(new LoggedChange(ids++, PARCEL, "u1", 'U', Map.of(), Map.of("name", "k"),
                CLONE, T0.plusSeconds(600).plusMillis(3))), null);
        var r = ConflictResolver.resolve(clone, central, t -> null, java.time.Duration.ofMillis(5));
        assertEquals(1, r.decisions().size());
        assertTrue(r.decisions().get(0).withinClockUncertainty());
        assertEquals("clone", r.decisions().get(0).winner());
        var sure = ConflictResolver.resolve(clone, central, t -> null, java.time.Duration.ofMillis(1));
        assertEquals(false, sure.decisions().get(0).withinClockUncertainty());
    }
}
