package io.lizsync.sync.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lizsync.proto.sync.v1.CentralAdminGrpc;
import io.lizsync.proto.sync.v1.GetToolsStatusRequest;
import io.lizsync.testkit.TestCertificates;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The link a clone's sidecar opens to central, over verified TLS: central serves TLS only (the
 * test certificate for 127.0.0.1), the sidecar trusts the test CA. A sidecar that trusts another
 * authority refuses central, and nothing is exchanged.
 */
class TlsLinkIT {

    static Mesh mesh;

    @BeforeAll
    static void start() throws Exception {
        mesh = Mesh.startTls(SyncScenariosIT.DDL, "field", ExchangeGuardsIT.TABLES, "clone-a");
    }

    @AfterAll
    static void stop() {
        if (mesh != null) {
            mesh.close();
        }
    }

    @Test
    void aSidecarSyncsWithCentralOverVerifiedTlsAndCentralServesNoPlainText() throws Exception {
        mesh.sql("central", "INSERT INTO field.parcel (code, owner) VALUES ('over tls', 'central')");
        mesh.sync("clone-a");
        assertEquals("1", mesh.one("clone-a", "SELECT count(*) FROM field.parcel WHERE code = 'over tls'"));
        mesh.sql("clone-a", "UPDATE field.parcel SET owner = 'clone-a' WHERE code = 'over tls'");
        mesh.sync("clone-a");
        assertEquals("clone-a", mesh.one("central", "SELECT owner FROM field.parcel WHERE code = 'over tls'"));

        ManagedChannel plain = ManagedChannelBuilder.forAddress("127.0.0.1", mesh.central.port).usePlaintext().build();
        try {
            var e = assertThrows(StatusRuntimeException.class, () -> CentralAdminGrpc.newBlockingStub(plain)
                    .withDeadlineAfter(10, TimeUnit.SECONDS).getToolsStatus(GetToolsStatusRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
        } finally {
            plain.shutdownNow();
        }
    }

    @Test
    void aSidecarTrustingAnotherAuthorityRefusesCentralAndNothingMoves() throws Exception {
        ServiceProcess sidecar = mesh.sidecars.get("clone-a");
        mesh.sql("central", "INSERT INTO field.parcel (code, owner) VALUES ('behind a stranger ca', 'central')");
        sidecar.restart(Map.of("LIZSYNC_SYNC_CENTRAL_CA_FILE",
                TestCertificates.get().strangerCaCertificate().toString()));
        try {
            var e = assertThrows(StatusRuntimeException.class, () -> mesh.sync("clone-a"));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
            assertEquals("0", mesh.one("clone-a", "SELECT count(*) FROM field.parcel WHERE code = 'behind a stranger ca'"));
        } finally {
            sidecar.restart(Map.of("LIZSYNC_SYNC_CENTRAL_CA_FILE", TestCertificates.get().caCertificate().toString()));
        }
        mesh.sync("clone-a");
        assertEquals("1", mesh.one("clone-a", "SELECT count(*) FROM field.parcel WHERE code = 'behind a stranger ca'"));
        mesh.assertConverged();
    }
}
