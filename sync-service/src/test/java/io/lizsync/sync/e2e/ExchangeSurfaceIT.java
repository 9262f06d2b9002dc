package io.lizsync.sync.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lizsync.proto.sync.v1.CentralAdminGrpc;
import io.lizsync.proto.sync.v1.GetToolsStatusRequest;
import io.lizsync.proto.sync.v1.ListHistoryRequest;
import io.lizsync.proto.sync.v1.SyncReviewGrpc;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Central as two processes on one database: one serving only the clones' exchange (the port to
 * expose to the internet), the other only administration. Each refuses the other's calls, even
 * with the right credential, and the clone syncs through the exchange alone.
 */
class ExchangeSurfaceIT {

    static Mesh mesh;
    static ServiceProcess exchangeOnly;

    @BeforeAll
    static void start() throws Exception {
        mesh = Mesh.start(SyncScenariosIT.DDL, "field", ExchangeGuardsIT.TABLES, "clone-a");
        Map<String, String> env = new HashMap<>(Mesh.dbEnv(mesh.db("central"), "central"));
        env.put("LIZSYNC_SYNC_SERVE", "exchange");
        env.putAll(RegistryProcess.centralEnv(mesh.registry));
        exchangeOnly = ServiceProcess.start("central-exchange-only", env);
    }

    @AfterAll
    static void stop() {
        if (exchangeOnly != null) {
            exchangeOnly.close();
        }
        if (mesh != null) {
            mesh.close();
        }
    }

    @Test
    void theExchangeServedAloneTakesTheClonesAndRefusesAdministrationAndTheOtherWayRound() throws Exception {
        var admin = assertThrows(StatusRuntimeException.class, () -> CentralAdminGrpc
                .newBlockingStub(mesh.channel(exchangeOnly.port)).withCallCredentials(Mesh.ADMIN)
                .withDeadlineAfter(30, TimeUnit.SECONDS).getToolsStatus(GetToolsStatusRequest.getDefaultInstance()));
        assertEquals(Status.Code.PERMISSION_DENIED, admin.getStatus().getCode());
        assertTrue(admin.getStatus().getDescription().contains("serves exchange only"), admin.getStatus().getDescription());
        var review = assertThrows(StatusRuntimeException.class, () -> SyncReviewGrpc
                .newBlockingStub(mesh.channel(exchangeOnly.port)).withCallCredentials(Mesh.ADMIN)
                .withDeadlineAfter(30, TimeUnit.SECONDS).listHistory(ListHistoryRequest.getDefaultInstance()));
        assertEquals(Status.Code.PERMISSION_DENIED, review.getStatus().getCode());

        // clone-a talks to the exchange-only process; the first central now serves admin only.
        mesh.sidecars.get("clone-a").restart(Map.of("LIZSYNC_SYNC_CENTRAL_PORT", Integer.toString(exchangeOnly.port),
                "LIZSYNC_SYNC_CENTRAL_ADMIN_PORT", Integer.toString(mesh.central.port)));
        mesh.central.restart(Map.of("LIZSYNC_SYNC_SERVE", "admin"));
        mesh.sql("central", "INSERT INTO field.parcel (code, owner) VALUES ('through the exchange', 'central')");
        mesh.sync("clone-a");
        assertEquals("1", mesh.one("clone-a", "SELECT count(*) FROM field.parcel WHERE code = 'through the exchange'"));
        mesh.sql("clone-a", "UPDATE field.parcel SET owner = 'clone-a' WHERE code = 'through the exchange'");
        mesh.sync("clone-a");
        assertEquals("clone-a", mesh.one("central", "SELECT owner FROM field.parcel WHERE code = 'through the exchange'"));

        var hello = assertThrows(StatusRuntimeException.class,
                () -> new RawExchange(mesh, "clone-a").hello(ExchangeGuardsIT.TABLES));
        assertEquals(Status.Code.PERMISSION_DENIED, hello.getStatus().getCode(), "the admin process serves no exchange");
        assertTrue(hello.getStatus().getDescription().contains("serves admin only"), hello.getStatus().getDescription());
        assertEquals(io.lizsync.testkit.ToolsVersions.current(), CentralAdminGrpc.newBlockingStub(mesh.channel(mesh.central.port)).withCallCredentials(Mesh.ADMIN)
                .withDeadlineAfter(30, TimeUnit.SECONDS).getToolsStatus(GetToolsStatusRequest.getDefaultInstance())
                .getInstalledVersion(), "and administration");
        mesh.assertConverged();
    }
}
