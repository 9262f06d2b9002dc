package io.lizsync.sync.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lizsync.proto.sync.v1.ConfirmRequest;
import io.lizsync.proto.sync.v1.DeviceSyncGrpc;
import io.lizsync.proto.sync.v1.DownloadChunk;
import io.lizsync.proto.sync.v1.DownloadRequest;
import io.lizsync.proto.sync.v1.EditResult;
import io.lizsync.proto.sync.v1.RowEdit;
import io.lizsync.proto.sync.v1.UploadRequest;
import io.lizsync.testkit.TestKeys;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A device and a clone around one central, each its own process and database (ADR 0020): a
 * device's upload reaches the clone through the normal pull, and a device's edit of a row a clone
 * changed since the device's version is decided by the clone rules, recorded once, and converges.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeviceCloneIT {

    static final List<String[]> TABLES = List.<String[]>of(new String[] {"field", "parcel"});
    static final String DEVICE = "847bd592-0bc5-84d7-bf79-ae40fa544557";
    static final String UID = "5e1f0000-aaaa-4bbb-8ccc-000000000001";

    static Mesh mesh;
    static DeviceSyncGrpc.DeviceSyncBlockingStub device;

    @BeforeAll
    static void start() throws Exception {
        mesh = Mesh.start(SyncScenariosIT.DDL, "field", TABLES, "clone-a");
        device = DeviceSyncGrpc.newBlockingStub(mesh.channel(mesh.central.port))
                .withCallCredentials(TestKeys.get().as("walker", "field"));
    }

    @AfterAll
    static void stop() {
        if (mesh != null) {
            mesh.close();
        }
    }

    @Test
    @Order(1)
    void aDevicesUploadReachesTheCloneThroughThePull() throws Exception {
        var answer = stub().upload(UploadRequest.newBuilder().setDeviceId(DEVICE).setSchemaName("field")
                .setTableName("parcel").setRequestId("walk-1").setGeometrySrid(4326)
                .addEdits(RowEdit.newBuilder().setOp(RowEdit.Op.CREATE).setUid(UID).setValuesJson("""
                        {"code": "P-1", "owner": "surveyed on a tablet", "area": 12.5,
                         "geom": {"type": "Polygon", "coordinates": [[[2.35, 48.85], [2.36, 48.85], [2.36, 48.86], [2.35, 48.85]]]}}
                        """)).build());
        assertEquals(EditResult.Outcome.APPLIED, answer.getResults(0).getOutcome(), answer.getResults(0).getMessage());
        mesh.sync("clone-a");
        assertEquals("surveyed on a tablet", mesh.one("clone-a", "SELECT owner FROM field.parcel WHERE uid = '" + UID + "'"));
        assertEquals("2154", mesh.one("clone-a", "SELECT ST_SRID(geom) FROM field.parcel WHERE uid = '" + UID + "'"));
        mesh.assertConverged();
    }

    @Test
    @Order(2)
    void aDevicesEditOfARowTheCloneChangedIsDecidedOnceAndConverges() throws Exception {
        // the device holds the row at its current version (its own upload: the answer gave it)
        Map<String, String> versions = new HashMap<>();
        String checkpoint = download(versions);
        stub().confirm(ConfirmRequest.newBuilder().setDeviceId(DEVICE).setCheckpoint(checkpoint).build());
        String base = mesh.one("central", "SELECT md5(CAST(t AS text)) FROM field.parcel t WHERE uid = '" + UID + "'");

        mesh.sql("clone-a", "UPDATE field.parcel SET owner = 'changed on the clone' WHERE uid = '" + UID + "'");
        mesh.sync("clone-a");
        Map<String, String> afterClone = new HashMap<>();
        download(afterClone);
        assertTrue(afterClone.containsKey(UID), "the clone's edit reaches the device's delta");

        var answer = stub().upload(UploadRequest.newBuilder().setDeviceId(DEVICE).setSchemaName("field")
                .setTableName("parcel").setRequestId("walk-2").addEdits(RowEdit.newBuilder().setOp(RowEdit.Op.UPDATE)
                        .setUid(UID).setBaseVersion(base).setValuesJson("{\"owner\": \"changed on the tablet\"}"))
                .build());
        EditResult r = answer.getResults(0);
        assertEquals(EditResult.Outcome.CONFLICT, r.getOutcome(), r.getMessage());
        assertEquals("device", r.getWinner(), "the later edit, as central received it");
        assertEquals("changed on the tablet", new JsonObject(r.getRowJson()).getString("owner"));
        assertEquals("1", mesh.one("central", "SELECT count(*) FROM lizsync.conflicts WHERE object_uid = '" + UID
                + "' AND clone_id = '" + DEVICE + "' AND field_name = 'owner'"), "one recorded decision");
        mesh.sync("clone-a");
        assertEquals("changed on the tablet", mesh.one("clone-a", "SELECT owner FROM field.parcel WHERE uid = '" + UID
                + "'"));
        mesh.assertConverged();
    }

    private static String download(Map<String, String> versions) {
        var it = stub().download(DownloadRequest.newBuilder().setDeviceId(DEVICE).setSchemaName("field")
                .setTableName("parcel").build());
        DownloadChunk last = null;
        while (it.hasNext()) {
            last = it.next();
            last.getRowsList().forEach(row -> versions.put(row.getUid(), row.getVersion()));
        }
        return last.getCheckpoint();
    }

    private static DeviceSyncGrpc.DeviceSyncBlockingStub stub() {
        return device.withDeadlineAfter(60, TimeUnit.SECONDS);
    }
}
