package io.lizsync.sync.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lizsync.proto.sync.v1.Change;
import io.lizsync.proto.sync.v1.ChangeAction;
import io.lizsync.proto.sync.v1.ChangeBatch;
import io.lizsync.sync.engine.NetChange;
import io.lizsync.sync.engine.TableRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Messages sized by bytes: batches cut by a byte budget, rows larger than a part split and joined. */
class ChangeStreamTest {

    static Change change(int valueChars, char fill) {
        return Change.newBuilder().setOriginId("o").setOriginEventId(7).setSchemaName("field").setTableName("parcel")
                .setUid(UUID.randomUUID().toString()).setAction(ChangeAction.CHANGE_ACTION_INSERT)
                .setNewValuesJson("{\"geom\":\"" + String.valueOf(fill).repeat(valueChars) + "\"}").build();
    }

    @Test
    void aRowOfSeveralMegabytesTravelsInPartsWithinTheLimitAndIsJoinedWhole() {
        Change big = change(5 << 20, 'A');
        List<List<Change>> batches = new ArrayList<>();
        var batcher = new ChangeStream.Batcher(ChangeStream.BATCH_BYTES, ChangeStream.PART_BYTES, batches::add);
        batcher.add(change(10, 'x'));
        batcher.add(big);
        batcher.add(change(10, 'y'));
        batcher.flush();
        assertEquals(3, batcher.changes());
        var joiner = new ChangeStream.Joiner();
        List<Change> whole = new ArrayList<>();
        for (List<Change> b : batches) {
            int size = ChangeBatch.newBuilder().setSessionId(UUID.randomUUID().toString()).addAllChanges(b).build()
                    .getSerializedSize();
            assertTrue(size <= ChangeStream.BATCH_BYTES + 1024, "batch of " + size + " bytes");
            assertTrue(size < ChangeStream.FITS_IN_BYTES);
            for (Change p : b) {
                Change c = joiner.add(p);
                if (c != null) {
                    whole.add(c);
                }
            }
        }
        assertFalse(joiner.incomplete());
        assertEquals(3, whole.size());
        assertEquals(big, whole.get(1));
        assertTrue(batches.size() > 5, "a 5 MiB row needs several batches, got " + batches.size());
    }

    @Test
    void manySmallRowsAreCutByBytesNotByCount() {
        List<List<Change>> batches = new ArrayList<>();
        var batcher = new ChangeStream.Batcher(64 << 10, 32 << 10, batches::add);
        for (int i = 0; i < 1000; i++) {
            batcher.add(change(500, 'z'));
        }
        batcher.flush();
        int total = 0;
        for (List<Change> b : batches) {
            total += b.size();
            long bytes = b.stream().mapToLong(Change::getSerializedSize).sum();
            assertTrue(bytes <= 64 << 10, "batch of " + bytes + " bytes");
        }
        assertEquals(1000, total);
        assertTrue(batches.size() >= 8);
    }

    @Test
    void partsNeverSplitASurrogatePair() {
        String emoji = "\uD83C\uDF32"; // a tree: two chars, four UTF-8 bytes
        Change c = Change.newBuilder().setUid(UUID.randomUUID().toString()).setAction(ChangeAction.CHANGE_ACTION_UPDATE)
                .setNewValuesJson("{\"note\":\"" + emoji.repeat(100_000) + "\"}").build();
        var parts = ChangeStream.parts(c, 16 << 10);
        assertTrue(parts.size() > 1);
        for (Change p : parts) {
            String v = p.getNewValuesJson();
            assertFalse(Character.isHighSurrogate(v.charAt(v.length() - 1)) && p.getContinued(), "split inside a pair");
        }
        var joiner = new ChangeStream.Joiner();
        Change whole = null;
        for (Change p : parts) {
            whole = joiner.add(p);
        }
        assertEquals(c, whole);
    }

    @Test
    void theIteratorFormCutsTheSameWayAndEndsCleanly() {
        List<Change> in = List.of(change(300_000, 'a'), change(10, 'b'), change(2_000_000, 'c'));
        var it = ChangeStream.batches(in.iterator(), ChangeStream.BATCH_BYTES, ChangeStream.PART_BYTES);
        var joiner = new ChangeStream.Joiner();
        List<Change> out = new ArrayList<>();
        while (it.hasNext()) {
            for (Change p : it.next()) {
                Change c = joiner.add(p);
                if (c != null) {
                    out.add(c);
                }
            }
        }
        assertEquals(in, out);
    }

    @Test
    void aStreamOfEndlessPartsIsRefused() {
        var joiner = new ChangeStream.Joiner();
        Change part = change(1 << 20, 'q').toBuilder().setContinued(true).build();
        assertThrows(IllegalArgumentException.class, () -> {
            for (int i = 0; i < 300; i++) {
                assertNull(joiner.add(part));
            }
        });
    }

    @Test
    void netChangesKeepTheTimeAndOriginOfEveryField() {
        Instant t = Instant.parse("2026-12-02T10:00:00.123456Z");
        var n = new NetChange(new TableRef("field", "parcel"), UUID.randomUUID().toString(), NetChange.Kind.UPDATE,
                Map.of("a", "1", "b", "2"), Map.of("a", t, "b", t.minusSeconds(30)), Map.of("a", "x", "b", "y"),
                Map.of(), "x", t, 3, 9, List.of());
        Change wire = ChangeCodec.encode(n);
        assertEquals(Map.of("b", Wire.timestamp(t.minusSeconds(30))), wire.getFieldEditedAtMap());
        assertEquals(Map.of("b", "y"), wire.getFieldOriginMap());
        NetChange back = ChangeCodec.decode(wire, Duration.ZERO, null);
        assertEquals(n.values(), back.values());
        assertEquals(n.fieldTimes(), back.fieldTimes());
        assertEquals(n.fieldWriters(), back.fieldWriters());
        assertEquals(3, back.firstEventId());
        assertEquals(9, back.lastEventId());
        // A push: the authenticated clone is every field's origin, whatever the message says.
        NetChange pushed = ChangeCodec.decode(wire, Duration.ZERO, "clone");
        assertEquals(Map.of("a", "clone", "b", "clone"), pushed.fieldWriters());
        assertEquals(t.plusSeconds(600), pushed.shifted(Duration.ofMinutes(10)).fieldTimes().get("a"));
    }
}
