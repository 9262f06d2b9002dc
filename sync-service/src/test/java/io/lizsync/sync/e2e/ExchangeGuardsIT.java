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
 * clocks itself), or take edit times at all without a measurement in the session. And what the
 * link to central cannot make a clone do: write a table the clone does not synchronise (clone-a
 * reaches central through a relay that can rewrite central's answers).
 */
class ExchangeGuardsIT {

    static final List<String[]> TABLES = List.of(new String[] {"field", "parcel"}, new String[] {"field", "note"},
            new String[] {"field", "sample"});

    static Mesh mesh;
    static GrpcRelay relayOfA;

    @BeforeAll
    static void start() throws Exception {
        mesh = Mesh.start(SyncScenariosIT.DDL, "field", TABLES, (clone, port) -> {
            if (!clone.equals("clone-a")) {
                return port;
            }
            try {
                relayOfA = new GrpcRelay(port);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return relayOfA.port();
        }, "clone-a", "clone-b");
    }

    @AfterAll
    static void stop() throws Exception {
        if (mesh != null) {
            mesh.close();
        }
        if (relayOfA != null) {
            relayOfA.close();
        }
    }

    private static ChangeBatch ownerUpdate(String session, String uid, String owner, java.time.Instant editedAt,
            long forgedOffsetMs) {
        Change ch = Change.newBuilder().setOriginId(mesh.cloneId("clone-b")).setOriginEventId(1)
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
                + "server_from = '" + mesh.cloneId("clone-b") + "' ORDER BY sync_time DESC LIMIT 1"));
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

    @Test
    void aPulledChangeOfATableTheCloneDoesNotSynchroniseIsRefusedAndNothingIsApplied() throws Exception {
        mesh.sync("clone-a");
        // A table of clone-a's own, with a uid column, that it does not synchronise.
        mesh.sql("clone-a", "CREATE TABLE field.local_notes (uid uuid PRIMARY KEY, body text)");
        mesh.sql("central", "INSERT INTO field.parcel (code, owner) VALUES ('beside an injection', 'central')");
        String injected = UUID.randomUUID().toString();
        String centralId = mesh.centralId();
        java.util.concurrent.atomic.AtomicInteger injections = new java.util.concurrent.atomic.AtomicInteger();
        relayOfA.tamper((method, message) -> {
            if (!method.equals(io.lizsync.proto.sync.v1.ExchangeGrpc.getPullMethod().getFullMethodName())
                    || injections.getAndIncrement() > 0) {
                return message;
            }
            Change forged = Change.newBuilder().setOriginId(centralId).setOriginEventId(Long.MAX_VALUE / 2)
                    .setSchemaName("field").setTableName("local_notes").setUid(injected)
                    .setAction(ChangeAction.CHANGE_ACTION_INSERT)
                    .setNewValuesJson("{\"uid\":\"" + injected + "\",\"body\":\"injected\"}")
                    .setEditedAt(Wire.timestamp(java.time.Instant.now())).build();
            return ChangeBatch.parseFrom(message).toBuilder().addChanges(forged).build().toByteArray();
        });
        String cursor = "SELECT last_tick_id FROM lizsync.clone_state WHERE clone_id = "
                + "(SELECT server_id FROM lizsync.server_metadata WHERE server_role = 'clone')";
        String before = mesh.one("clone-a", cursor);
        try {
            var e = assertThrows(StatusRuntimeException.class, () -> mesh.sync("clone-a"));
            assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode(), e.getStatus().toString());
            assertTrue(e.getStatus().getDescription().contains("field.local_notes"), e.getStatus().getDescription());
            assertEquals(1, injections.get(), "the relay rewrote one pulled batch");
            assertEquals("0", mesh.one("clone-a", "SELECT count(*) FROM field.local_notes"));
            assertEquals("0", mesh.one("clone-a", "SELECT count(*) FROM field.parcel WHERE code = 'beside an injection'"),
                    "the genuine change of the refused pull is not applied either");
            assertEquals(before, mesh.one("clone-a", cursor), "the cursor did not move");
        } finally {
            relayOfA.tamper((method, message) -> message);
        }
        // The same pull, untouched, goes through.
        mesh.sync("clone-a");
        assertEquals("1", mesh.one("clone-a", "SELECT count(*) FROM field.parcel WHERE code = 'beside an injection'"));
        assertEquals("0", mesh.one("clone-a", "SELECT count(*) FROM field.local_notes"));
        mesh.sync("clone-b");
        mesh.assertConverged();
    }
}
