package io.lizsync.sync;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lizsync.proto.sync.v1.CentralAdminGrpc;
import io.lizsync.proto.sync.v1.GetToolsStatusRequest;
import io.lizsync.proto.sync.v1.InstallRequest;
import io.lizsync.proto.sync.v1.PrepareOutcome;
import io.lizsync.proto.sync.v1.PrepareRequest;
import io.lizsync.proto.sync.v1.UpgradeRequest;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The central operations over real gRPC, against a real PostgreSQL/PostGIS. */
@QuarkusTest
@QuarkusTestResource(value = CentralDatabaseResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CentralAdminIT {

    @GrpcClient("admin")
    CentralAdminGrpc.CentralAdminBlockingStub anonymous;

    /** Central as an administrator (a token signed with the test keys). */
    CentralAdminGrpc.CentralAdminBlockingStub admin;

    @org.junit.jupiter.api.BeforeEach
    void asAdministrator() {
        admin = anonymous.withCallCredentials(io.lizsync.testkit.TestKeys.get().administrator());
    }

    @Test
    @Order(1)
    void installUpgradeAndRefusalOverGrpc() throws Exception {
        var status = admin.getToolsStatus(GetToolsStatusRequest.getDefaultInstance());
        assertEquals(false, status.getInstalled());
        assertEquals("central", status.getRole());

        var notInstalled = admin.upgrade(UpgradeRequest.newBuilder().setRunIt(true).build());
        assertEquals(0, notInstalled.getStatus());

        var v1 = admin.install(InstallRequest.newBuilder().setTargetVersion("1").build());
        assertEquals(1, v1.getStatus(), v1.getMessage());
        assertEquals("1", v1.getInstalledVersion());

        var refused = admin.install(InstallRequest.getDefaultInstance());
        assertEquals(0, refused.getStatus());
        assertTrue(refused.getMessage().contains("already exists"), refused.getMessage());

        var dry = admin.upgrade(UpgradeRequest.getDefaultInstance());
        assertEquals(0, dry.getStatus());
        assertEquals("1", dry.getInstalledVersion());
        var up = admin.upgrade(UpgradeRequest.newBuilder().setRunIt(true).build());
        assertEquals(1, up.getStatus(), up.getMessage());
        assertEquals(io.lizsync.testkit.ToolsVersions.current(), up.getInstalledVersion());
        assertEquals(io.lizsync.testkit.ToolsVersions.current(), admin.getToolsStatus(GetToolsStatusRequest.getDefaultInstance()).getInstalledVersion());
    }

    @Test
    @Order(2)
    void prepareOverGrpc() throws Exception {
        try (Connection c = CentralDatabaseResource.cluster.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA \"Inventaire Forêt\"");
            st.execute("CREATE TABLE \"Inventaire Forêt\".\"Arbres\" (id serial PRIMARY KEY, espèce text, geom geometry(Point, 2154))");
            st.execute("INSERT INTO \"Inventaire Forêt\".\"Arbres\" (espèce) VALUES ('chêne'), ('hêtre')");
            st.execute("CREATE TABLE \"Inventaire Forêt\".sans_cle (x int)");
        }
        var r = admin.prepare(PrepareRequest.newBuilder().setAddServerId(true).setAddUidColumns(true)
                .setAddAuditTriggers(true).addSchemas("Inventaire Forêt").addSchemas("public").build());
        assertEquals(0, r.getStatus(), "one refused table and one refused schema");
        assertEquals(2, r.getTablesCount());
        var arbres = r.getTablesList().stream().filter(t -> t.getTableName().equals("Arbres")).findFirst().orElseThrow();
        assertEquals(PrepareOutcome.PREPARE_OUTCOME_PREPARED, arbres.getOutcome());
        assertEquals(2, arbres.getUidValuesFilled());
        var sansCle = r.getTablesList().stream().filter(t -> t.getTableName().equals("sans_cle")).findFirst().orElseThrow();
        assertEquals(PrepareOutcome.PREPARE_OUTCOME_REFUSED, sansCle.getOutcome());
        assertEquals("public", r.getRefusedSchemas(0).getSchemaName());
        assertTrue(!r.getServerId().isEmpty());
        try (Connection c = CentralDatabaseResource.cluster.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(DISTINCT uid) FROM \"Inventaire Forêt\".\"Arbres\"")) {
            rs.next();
            assertEquals(2, rs.getInt(1));
        }
        var empty = assertThrows(StatusRuntimeException.class, () -> admin.prepare(PrepareRequest.getDefaultInstance()));
        assertEquals(Status.Code.INVALID_ARGUMENT, empty.getStatus().getCode());
    }

    @Test
    @Order(3)
    void healthAndMetricsAnswer() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("Database connections health check")));
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
    }

    /**
     * Every RPC sync-service serves, against its access table (last: the allowed calls run with
     * empty requests). On central the clone agent's calls pass the check and are then refused
     * for the role this process does not hold.
     */
    @Test
    @Order(100)
    void everyRpcIsCheckedAgainstItsRule() {
        var channel = io.grpc.ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            int checked = io.lizsync.testkit.AccessMatrix.check(channel, io.lizsync.sync.grpc.SyncAccess.policy(),
                    io.lizsync.proto.sync.v1.CentralAdminGrpc.getServiceDescriptor(),
                    io.lizsync.proto.sync.v1.SyncReviewGrpc.getServiceDescriptor(),
                    io.lizsync.proto.sync.v1.ExchangeGrpc.getServiceDescriptor(),
                    io.lizsync.proto.sync.v1.CloneAgentGrpc.getServiceDescriptor(),
                    io.lizsync.proto.jobs.v1.JobsGrpc.getServiceDescriptor(),
                    io.lizsync.proto.sync.v1.DeviceSyncGrpc.getServiceDescriptor());
            // 4 jobs, AssignPackage, GetCloneState, ClaimAssignment and ReportAssignment (ADR 0015) among them
            assertTrue(checked >= 29, "every RPC: " + checked);
        } finally {
            channel.shutdownNow();
        }
        var refused = assertThrows(StatusRuntimeException.class, () -> anonymous.install(InstallRequest.newBuilder()
                .setOverrideAudit(true).setOverrideLizsync(true).build()));
        assertEquals(Status.Code.UNAUTHENTICATED, refused.getStatus().getCode());
    }

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.grpc.clients.admin.port")
    int port;
}
