package io.lizsync.sync.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lizsync.proto.sync.v1.Change;
import io.lizsync.proto.sync.v1.ChangeAction;
import io.lizsync.proto.sync.v1.ChangeBatch;
import io.lizsync.sync.wire.Wire;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a clone cannot make central do: use an offset the clone computed (central measures the
 * clocks itself), or take edit times at all without a measurement in the session.
 */
class ExchangeGuardsIT {

    static final List<String[]> TABLES = List.of(new String[] {"field", "parcel"}, new String[] {"field", "note"},
            new String[] {"field", "sample"});

    static Mesh mesh;

    @BeforeAll
    static void start() throws Exception {
        mesh = Mesh.start(SyncScenariosIT.DDL, "field", TABLES, "clone-a", "clone-b");
    }

    @AfterAll
    static void stop() {
        if (mesh != null) {
            mesh.close();
        }
    }

    private static ChangeBatch ownerUpdate(String session, String uid, String owner, java.time.Instant editedAt,
            long forgedOffsetMs) {
        Change ch = Change.newBuilder().setOriginId(mesh.registrations.get("clone-b").getCloneId()).setOriginEventId(1)
                .setSchemaName("field").setTableName("parcel").setUid(uid).setAction(ChangeAction.CHANGE_ACTION_UPDATE)
                .setNewValuesJson("{\"owner\":\"" + owner + "\"}").setEditedAt(Wire.timestamp(editedAt)).build();
        @SuppressWarnings("deprecation")
        ChangeBatch b = ChangeBatch.newBuilder().setSessionId(session).setPushId(UUID.randomUUID().toString())
                .setClockOffsetMs(forgedOffsetMs).addChanges(ch).build();
        return b;
    }

    @Test
    void aPushCarryingAForgedOffsetChangesNothing() throws Exception {
        mesh.sql("central", "INSERT INTO field.parcel (code, owner) VALUES ('forged', 'first')");
        mesh.sync("clone-a");
        mesh.sync("clone-b");
        String uid = mesh.one("central", "SELECT uid FROM field.parcel WHERE code = 'forged'");
        RawExchange asB = new RawExchange(mesh, "clone-b");
        // clone-b's edit, two seconds before central's: it must lose, whatever offset the batch claims.
        java.time.Instant cloneEdit = asB.cloneNow().minusSeconds(2);
        mesh.sql("central", "UPDATE field.parcel SET owner = 'central, later' WHERE code = 'forged'");

        var hello = asB.hello(TABLES);
        var clock = asB.measureClock(hello.getSessionId(), 4);
        assertTrue(Math.abs(clock.getOffsetMs()) < 1000, "same machine, same clock: " + clock);
        var result = asB.push(List.of(ownerUpdate(hello.getSessionId(), uid, "clone, earlier", cloneEdit, 3_600_000)));
        assertEquals(1, result.getConflicts());

        assertEquals("central, later", mesh.one("central", "SELECT owner FROM field.parcel WHERE code = 'forged'"));
        assertEquals("central", mesh.one("central", "SELECT winner FROM lizsync.conflicts WHERE object_uid = '" + uid
                + "' AND field_name = 'owner'"));
        long recorded = Long.parseLong(mesh.one("central", "SELECT clock_offset_ms FROM lizsync.history WHERE "
                + "server_from = '" + mesh.registrations.get("clone-b").getCloneId() + "' ORDER BY sync_time DESC LIMIT 1"));
        assertEquals(clock.getOffsetMs(), recorded, "the history records central's measurement, not the batch's figure");
        assertTrue(Math.abs(recorded) < 1000, "recorded offset " + recorded);

        // The real sidecar carries on as before.
        mesh.sync("clone-b");
        mesh.sync("clone-a");
        mesh.assertConverged();
    }

    @Test
    void aPushWithoutAClockMeasurementInItsSessionIsRefused() throws Exception {
        mesh.sync("clone-b");
        String uid = mesh.one("central", "SELECT uid FROM field.parcel ORDER BY id LIMIT 1");
        if (uid == null) {
            mesh.sql("central", "INSERT INTO field.parcel (code, owner) VALUES ('unmeasured', 'x')");
            mesh.sync("clone-b");
            uid = mesh.one("central", "SELECT uid FROM field.parcel WHERE code = 'unmeasured'");
        }
        String before = mesh.one("central", "SELECT owner FROM field.parcel WHERE uid = '" + uid + "'");
        RawExchange asB = new RawExchange(mesh, "clone-b");
        var hello = asB.hello(TABLES);
        String session = hello.getSessionId();
        String u = uid;
        var e = assertThrows(StatusRuntimeException.class,
                () -> asB.push(List.of(ownerUpdate(session, u, "unmeasured", asB.cloneNow(), 0))));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode(), e.getStatus().toString());
        assertTrue(e.getStatus().getDescription().contains("MeasureClock"), e.getStatus().getDescription());
        assertEquals(before, mesh.one("central", "SELECT owner FROM field.parcel WHERE uid = '" + uid + "'"));
        mesh.sync("clone-b");
        mesh.assertConverged();
    }
}
