package io.lizsync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.lizsync.proto.packaging.v1.GetPackageRequest;
import io.lizsync.proto.packaging.v1.PackageInfo;
import io.lizsync.proto.packaging.v1.PackagedTable;
import io.lizsync.proto.packaging.v1.PackagingServiceGrpc;
import io.lizsync.proto.packaging.v1.TableRef;
import io.lizsync.proto.registry.v1.GetServerRequest;
import io.lizsync.proto.registry.v1.IssueRegistrationTicketRequest;
import io.lizsync.proto.registry.v1.RegistrationTicket;
import io.lizsync.proto.registry.v1.RegistryServiceGrpc;
import io.lizsync.proto.registry.v1.RevokeCloneCredentialRequest;
import io.lizsync.proto.registry.v1.RevokeCloneCredentialResponse;
import io.lizsync.proto.sync.v1.AttachRequest;
import io.lizsync.proto.sync.v1.AttachResponse;
import io.lizsync.proto.sync.v1.CloneAgentGrpc;
import io.lizsync.proto.sync.v1.CloneStatus;
import io.lizsync.proto.sync.v1.DeployProgress;
import io.lizsync.proto.sync.v1.DeployRequest;
import io.lizsync.proto.sync.v1.GetCloneStatusRequest;
import io.lizsync.proto.sync.v1.TableName;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's side of clone registration (ADR 0013) against stand-ins for registry-service,
 * packaging-service and a clone sidecar on loopback: which ticket it asks for, that the sidecar
 * gets it, and that no command but registration-ticket shows it.
 */
class CloneRegistrationCliTest {

    private static final String PACKAGE = "0b9f5a4e-3c1d-4e2f-9a8b-7c6d5e4f3a2b";
    private static final String HISTORY = "5d1c8e2a-0f3b-4c7d-8e9f-1a2b3c4d5e6f";
    private static final String CLONE = "7e6d5c4b-3a29-4817-a6b5-c4d3e2f1a0b9";
    private static final String TICKET = "lzr_stand-in-ticket-0123456789abcdefghijklmnopq";

    static Server server;
    /** The clone id the stand-in sidecar holds; empty: not a clone (FAILED_PRECONDITION). */
    static volatile String sidecarClone = "";
    /** Servers the stand-in registry knows, by id. */
    static final Map<String, String> KNOWN = new HashMap<>();
    static volatile IssueRegistrationTicketRequest issued;
    static volatile DeployRequest deployed;
    static volatile AttachRequest attached;
    static volatile RevokeCloneCredentialRequest revoked;
    static volatile String deployAuthorization;

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void start() throws IOException {
        var registry = new RegistryServiceGrpc.RegistryServiceImplBase() {
            @Override
            public void issueRegistrationTicket(IssueRegistrationTicketRequest r,
                    StreamObserver<RegistrationTicket> response) {
                issued = r;
                response.onNext(RegistrationTicket.newBuilder().setTicket(TICKET).setTicketId(CLONE)
                        .setCloneName(r.getCloneName()).setCloneId(r.getCloneId()).addAllTables(r.getTablesList())
                        .setPackageId(r.getPackageId()).setPackageHistorySyncId(r.getPackageHistorySyncId())
                        .setExpiresAt(Timestamp.newBuilder().setSeconds(1_900_000_000L)).build());
                response.onCompleted();
            }

            @Override
            public void getServer(GetServerRequest r, StreamObserver<io.lizsync.proto.registry.v1.Server> response) {
                String name = KNOWN.get(r.getId());
                if (name == null) {
                    response.onError(Status.NOT_FOUND.withDescription("no server " + r.getId()).asRuntimeException());
                    return;
                }
                response.onNext(io.lizsync.proto.registry.v1.Server.newBuilder().setId(r.getId()).setName(name).build());
                response.onCompleted();
            }

            @Override
            public void revokeCloneCredential(RevokeCloneCredentialRequest r,
                    StreamObserver<RevokeCloneCredentialResponse> response) {
                revoked = r;
                response.onNext(RevokeCloneCredentialResponse.newBuilder().setRevoked(2).build());
                response.onCompleted();
            }
        };
        var packaging = new PackagingServiceGrpc.PackagingServiceImplBase() {
            @Override
            public void getPackage(GetPackageRequest r, StreamObserver<PackageInfo> response) {
                response.onNext(PackageInfo.newBuilder().setPackageId(r.getPackageId()).setHistorySyncId(HISTORY)
                        .addTables(PackagedTable.newBuilder().setTable(TableRef.newBuilder().setSchemaName("field")
                                .setTableName("trees")))
                        .addTables(PackagedTable.newBuilder().setTable(TableRef.newBuilder().setSchemaName("my.schema")
                                .setTableName("tab,le")))
                        .build());
                response.onCompleted();
            }
        };
        var sidecar = new CloneAgentGrpc.CloneAgentImplBase() {
            @Override
            public void getCloneStatus(GetCloneStatusRequest r, StreamObserver<CloneStatus> response) {
                if (sidecarClone.isEmpty()) {
                    response.onError(Status.FAILED_PRECONDITION.withDescription("this database is not a clone yet")
                            .asRuntimeException());
                    return;
                }
                response.onNext(CloneStatus.newBuilder().setCloneId(sidecarClone).build());
                response.onCompleted();
            }

            @Override
            public void deploy(DeployRequest r, StreamObserver<DeployProgress> response) {
                deployed = r;
                response.onNext(DeployProgress.newBuilder().setStep("restore").setPercent(50).build());
                response.onNext(DeployProgress.newBuilder().setDone(true).setStatus(1).setCloneId(CLONE)
                        .setMessage("deployed; registered with central").build());
                response.onCompleted();
            }

            @Override
            public void attach(AttachRequest r, StreamObserver<AttachResponse> response) {
                attached = r;
                response.onNext(AttachResponse.newBuilder().setStatus(1).setMessage("attached as clone " + CLONE).build());
                response.onCompleted();
            }
        };
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(registry)
                .addService(packaging).addService(sidecar)
                .intercept(new io.grpc.ServerInterceptor() {
                    @Override
                    public <Q, A> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, A> call,
                            io.grpc.Metadata headers, io.grpc.ServerCallHandler<Q, A> next) {
                        if (call.getMethodDescriptor().getFullMethodName().endsWith("/Deploy")) {
                            deployAuthorization = headers.get(
                                    io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER));
                        }
                        return next.startCall(call, headers);
                    }
                }).build().start();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @BeforeEach
    void reset() {
        sidecarClone = "";
        KNOWN.clear();
        issued = null;
        deployed = null;
        attached = null;
        revoked = null;
        deployAuthorization = null;
    }

    @Test
    void aDeployByIdAsksForATicketForANewCloneWithThePackagesTablesAndHandsItToTheSidecar() {
        assertEquals(LizsyncCli.OK, run("deploy", "--package-id", PACKAGE, "--name", "laptop-1"), err());
        assertEquals("laptop-1", issued.getCloneName());
        assertEquals("", issued.getCloneId());
        assertEquals(PACKAGE, issued.getPackageId());
        assertEquals(HISTORY, issued.getPackageHistorySyncId());
        assertEquals(List.of("field.trees", "my.schema.tab,le"), issued.getTablesList().stream()
                .map(t -> t.getSchemaName() + "." + t.getTableName()).toList());
        assertEquals(0, issued.getValidForSeconds(), "the registry's default lifetime");
        assertEquals(TICKET, deployed.getRegistrationTicket());
        assertEquals(PACKAGE, deployed.getPackageId());
        assertEquals("laptop-1", deployed.getCloneName());
        assertEquals("Bearer operator-access", deployAuthorization);
        assertTrue(err().contains("registration ticket for a new clone 'laptop-1', package " + PACKAGE + ", 2 tables"),
                err());
        assertTrue(out().contains("OK: deployed; registered with central"), out());
        assertTicketNotShown();
    }

    @Test
    void aRedeployKeepsTheClonesIdAndItsRegistryName() {
        sidecarClone = CLONE;
        KNOWN.put(CLONE, "laptop-1");
        assertEquals(LizsyncCli.OK, run("deploy", "--package-id", PACKAGE, "--force"), err());
        assertEquals(CLONE, issued.getCloneId());
        assertEquals("laptop-1", issued.getCloneName());
        assertEquals("", deployed.getCloneName(), "the sidecar keeps its local name");
        assertTrue(deployed.getForce());

        assertEquals(LizsyncCli.OK, run("deploy", "--package-id", PACKAGE, "--name", "laptop-renamed"), err());
        assertEquals(CLONE, issued.getCloneId());
        assertEquals("laptop-renamed", issued.getCloneName());
        assertTicketNotShown();
    }

    @Test
    void aNewServerIdOrACloneTheRegistryDoesNotKnowMakesANewCloneThatNeedsAName() {
        sidecarClone = CLONE;
        KNOWN.put(CLONE, "laptop-1");
        assertEquals(LizsyncCli.USAGE, run("deploy", "--package-id", PACKAGE, "--new-server-id"), err());
        assertTrue(err().contains("deploy needs --name CLONE_NAME: --new-server-id makes a new clone"), err());
        assertNull(deployed);
        assertEquals(LizsyncCli.OK, run("deploy", "--package-id", PACKAGE, "--new-server-id", "--name", "laptop-2"),
                err());
        assertEquals("", issued.getCloneId());
        assertTrue(deployed.getNewServerId());

        KNOWN.clear();
        issued = null;
        assertEquals(LizsyncCli.USAGE, run("deploy", "--package-id", PACKAGE), err());
        assertTrue(err().contains("clone " + CLONE + " is not known to registry-service"), err());
        assertNull(issued);
        assertEquals(LizsyncCli.OK, run("deploy", "--package-id", PACKAGE, "--name", "laptop-1"), err());
        assertEquals("", issued.getCloneId(), "the sidecar keeps its id; the registry makes the clone with it");

        sidecarClone = "";
        assertEquals(LizsyncCli.USAGE, run("deploy", "--package-id", PACKAGE), err());
        assertTrue(err().contains("the sidecar's database is not a clone yet"), err());
    }

    @Test
    void aDeployByZipReadsThePackageIdFromTheManifest() throws IOException {
        Path zip = zip("field.zip", "{\"format_version\": 1, \"tools_version\": \"1\", \"package_id\": \"" + PACKAGE
                + "\", \"tables\": []}");
        assertEquals(LizsyncCli.OK, run("deploy", "--zip-file", zip.toString(), "--name", "tablet-3"), err());
        assertEquals(PACKAGE, issued.getPackageId());
        assertEquals(HISTORY, issued.getPackageHistorySyncId());
        assertEquals(zip.toAbsolutePath().normalize().toString(), deployed.getZipPath());
        assertEquals("", deployed.getPackageId());
        assertEquals(TICKET, deployed.getRegistrationTicket());
        assertTicketNotShown();

        Path broken = zip("broken.zip", "{\"package_id\": 42}");
        assertEquals(LizsyncCli.FAILED, run("deploy", "--zip-file", broken.toString(), "--name", "tablet-3"), err());
        assertTrue(err().contains("\"package_id\" is not a package id"), err());
    }

    @Test
    void aDeployWithTheLocalTokenAndNoTicketGoesWithoutOneAndSaysSo() throws IOException {
        Path token = Files.writeString(dir.resolve("local-token"), "local-secret\n");
        assertEquals(LizsyncCli.OK, run("deploy", "--zip-file", dir.resolve("import/field.zip").toString(),
                "--sidecar-token-file", token.toString()), err());
        assertNull(issued, "no registry call");
        assertEquals("", deployed.getRegistrationTicket());
        assertEquals("Bearer local-secret", deployAuthorization);
        assertTrue(err().contains("cannot sync until it is deployed with a registration ticket"), err());
    }

    @Test
    void aTicketFileIsUsedAsItIsWithoutAskingTheRegistry() throws IOException {
        Path token = Files.writeString(dir.resolve("local-token"), "local-secret\n");
        Path ticket = Files.writeString(dir.resolve("clone-b.ticket"), TICKET + "\n");
        assertEquals(LizsyncCli.OK, run("deploy", "--zip-file", dir.resolve("import/field.zip").toString(),
                "--sidecar-token-file", token.toString(), "--registration-ticket-file", ticket.toString()), err());
        assertNull(issued, "no registry call");
        assertEquals(TICKET, deployed.getRegistrationTicket());
        assertTicketNotShown();
        // with the operator's token too
        assertEquals(LizsyncCli.OK, run("deploy", "--package-id", PACKAGE, "--registration-ticket-file",
                ticket.toString()), err());
        assertNull(issued, "no registry call");
        assertEquals(TICKET, deployed.getRegistrationTicket());
    }

    @Test
    void registrationTicketPrintsTheTicketAloneOnStandardOutput() {
        assertEquals(LizsyncCli.OK, run("registration-ticket", "--name", "clone-b", "--package-id", PACKAGE,
                "--valid-for-hours", "72"), err());
        assertEquals(TICKET + System.lineSeparator(), out());
        assertEquals(72 * 3600, issued.getValidForSeconds());
        assertEquals(PACKAGE, issued.getPackageId());
        assertEquals(HISTORY, issued.getPackageHistorySyncId());
        assertEquals(2, issued.getTablesCount());
        assertTrue(err().startsWith("OK: registration ticket for a new clone 'clone-b', package " + PACKAGE
                + ", 2 tables, valid until 2030-03-17T17:46:40Z"), err());
        assertFalse(err().contains(TICKET), err());

        assertEquals(LizsyncCli.OK, run("registration-ticket", "--name", "tablet", "--tables", "field.parcel",
                "--clone-id", CLONE), err());
        assertEquals(CLONE, issued.getCloneId());
        assertEquals("", issued.getPackageId());
        assertEquals(0, issued.getValidForSeconds());
        assertEquals("field", issued.getTables(0).getSchemaName());
        assertEquals("parcel", issued.getTables(0).getTableName());
    }

    @Test
    void joinCloneAttachesTheSidecarsDatabaseWithATicketWithoutPackage() {
        assertEquals(LizsyncCli.OK, run("join-clone", "--name", "tablet", "--tables", "field.parcel,field.observation"),
                err());
        assertEquals("tablet", issued.getCloneName());
        assertEquals("", issued.getCloneId());
        assertEquals("", issued.getPackageId());
        assertEquals(CloneRegistration.ATTACH_TICKET_SECONDS, issued.getValidForSeconds());
        assertEquals(TICKET, attached.getRegistrationTicket());
        assertEquals("tablet", attached.getCloneName());
        assertEquals(List.of(TableName.newBuilder().setSchemaName("field").setTableName("parcel").build(),
                TableName.newBuilder().setSchemaName("field").setTableName("observation").build()),
                attached.getTablesList());
        assertTrue(out().contains("OK: attached as clone " + CLONE), out());
        assertTicketNotShown();
    }

    @Test
    void revokeCloneAsksTheRegistryAndSaysHowManyCredentialsWent() {
        assertEquals(LizsyncCli.OK, run("revoke-clone", "--clone-id", CLONE), err());
        assertEquals(CLONE, revoked.getServerId());
        assertEquals("", revoked.getCredentialId(), "every credential of the clone");
        assertTrue(out().contains("OK: 2 credentials of clone " + CLONE + " revoked"), out());
    }

    private void assertTicketNotShown() {
        assertFalse(out().contains(TICKET), out());
        assertFalse(err().contains(TICKET), err());
    }

    private Path zip(String name, String manifest) throws IOException {
        Path zip = dir.resolve(name);
        try (OutputStream file = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(file)) {
            z.putNextEntry(new ZipEntry("structure/pre-data.sql"));
            z.write("CREATE SCHEMA field;".getBytes(StandardCharsets.UTF_8));
            z.putNextEntry(new ZipEntry(PackageZipManifest.MANIFEST));
            z.write(manifest.getBytes(StandardCharsets.UTF_8));
        }
        return zip;
    }

    private int run(String... argv) {
        out.reset();
        err.reset();
        String at = "127.0.0.1:" + server.getPort();
        Map<String, String> env = Map.of("LIZSYNC_REGISTRY", at, "LIZSYNC_PACKAGING", at, "LIZSYNC_SIDECAR", at,
                "LIZSYNC_CENTRAL", "127.0.0.1:1", "LIZSYNC_ACCESS_TOKEN", "operator-access");
        return new LizsyncCli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, dir).run(argv);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
