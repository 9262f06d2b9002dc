package io.lizsync.packaging;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lizsync.packaging.config.PackagingConfig;
import io.lizsync.proto.packaging.v1.BuildPackageRequest;
import io.lizsync.proto.packaging.v1.DeletePackageRequest;
import io.lizsync.proto.packaging.v1.DownloadPackageRequest;
import io.lizsync.proto.packaging.v1.GetPackageRequest;
import io.lizsync.proto.packaging.v1.ListDeploymentsRequest;
import io.lizsync.proto.packaging.v1.ListPackagesRequest;
import io.lizsync.proto.packaging.v1.PackageChunk;
import io.lizsync.proto.packaging.v1.PackageInfo;
import io.lizsync.proto.packaging.v1.PackagedTable;
import io.lizsync.proto.packaging.v1.PackagingServiceGrpc;
import io.lizsync.proto.packaging.v1.RecordDeploymentRequest;
import io.lizsync.proto.packaging.v1.TableRef;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * packaging-service over real gRPC and HTTP, with a real PostgreSQL/PostGIS behind its readiness
 * and a real storage directory: packages are dropped there by hand, as the builder (issue 3/7)
 * will write them.
 */
@QuarkusTest
@QuarkusTestResource(value = PackagingTestResource.class, restrictToAnnotatedClass = true)
class PackagingServiceIT {

    @GrpcClient("packaging")
    PackagingServiceGrpc.PackagingServiceBlockingStub anonymous;

    /** packaging-service as an operator (a token signed with the test keys). */
    PackagingServiceGrpc.PackagingServiceBlockingStub packaging;

    @BeforeEach
    void asOperator() {
        packaging = anonymous.withCallCredentials(io.lizsync.testkit.TestKeys.get().as("test-operator",
                io.lizsync.grpckit.auth.Roles.OPERATOR));
    }

    @Inject
    PackagingConfig config;

    @BeforeEach
    void emptyStorage() throws IOException {
        Path dir = config.storageDir();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    if (!Files.isDirectory(f)) { // jobs/ is the build jobs' (PackagingJobsIT)
                        Files.delete(f);
                    }
                }
            }
        }
    }

    @Test
    void healthAndMetricsAnswer() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("Database connections health check")))
                .body("checks.name", hasItem("Package storage directory"));
        given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
        assertTrue(Files.isDirectory(config.storageDir()), "readiness creates the storage directory");
    }

    @Test
    void emptyStorageListsNothing() {
        var page = packaging.listPackages(ListPackagesRequest.getDefaultInstance());
        assertEquals(0, page.getPackagesCount());
        assertEquals("", page.getNextPageToken());
    }

    @Test
    void listGetDownloadDeleteAHandMadePackage() throws Exception {
        byte[] zip = zip(700_000, 1);
        UUID id = UUID.randomUUID();
        PackageInfo info = drop(id, zip, 1_700_000_000L);

        var list = packaging.listPackages(ListPackagesRequest.getDefaultInstance());
        assertEquals(List.of(info), list.getPackagesList());

        assertEquals(info, packaging.getPackage(GetPackageRequest.newBuilder().setPackageId(id.toString()).build()));
        assertEquals(info, packaging.getPackage(
                GetPackageRequest.newBuilder().setPackageId(id.toString().toUpperCase()).build()), "case of the uuid");

        // Whole archive, default chunk size (256 KiB): 3 chunks.
        List<PackageChunk> chunks = download(id, 0, 0);
        assertEquals(3, chunks.size());
        assertEquals(zip.length, chunks.get(0).getTotalSize());
        assertEquals(sha256(zip), chunks.get(0).getSha256());
        assertArrayEquals(zip, concat(chunks, 0));
        assertEquals(sha256(zip), sha256(concat(chunks, 0)));

        // 64 KiB chunks, then a resumed download from an offset.
        chunks = download(id, 0, 64 * 1024);
        assertEquals((zip.length + 65535) / 65536, chunks.size());
        assertTrue(chunks.stream().limit(chunks.size() - 1).allMatch(c -> c.getData().size() == 65536));
        assertArrayEquals(zip, concat(chunks, 0));
        int offset = 123_457;
        chunks = download(id, offset, 64 * 1024);
        assertEquals(sha256(zip), chunks.get(0).getSha256(), "the first chunk of a resumed download names the whole archive");
        assertArrayEquals(Arrays.copyOfRange(zip, offset, zip.length), concat(chunks, offset));
        chunks = download(id, zip.length, 0);
        assertEquals(1, chunks.size());
        assertTrue(chunks.get(0).getLast() && chunks.get(0).getData().isEmpty());
        assertCode(Status.Code.OUT_OF_RANGE, () -> download(id, zip.length + 1L, 0));
        assertCode(Status.Code.OUT_OF_RANGE, () -> download(id, -1, 0));

        var deleted = packaging.deletePackage(DeletePackageRequest.newBuilder().setPackageId(id.toString()).build());
        assertEquals(id.toString(), deleted.getPackageId());
        assertEquals(zip.length, deleted.getFreedBytes());
        assertFalse(Files.exists(config.storageDir().resolve(id + ".zip")));
        assertFalse(Files.exists(config.storageDir().resolve(id + ".json")));
        assertEquals(0, packaging.listPackages(ListPackagesRequest.getDefaultInstance()).getPackagesCount());
        assertCode(Status.Code.NOT_FOUND,
                () -> packaging.getPackage(GetPackageRequest.newBuilder().setPackageId(id.toString()).build()));
        assertCode(Status.Code.NOT_FOUND,
                () -> packaging.deletePackage(DeletePackageRequest.newBuilder().setPackageId(id.toString()).build()));
    }

    @Test
    void listsNewestFirstInPages() throws Exception {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            UUID id = UUID.randomUUID();
            ids.add(0, id); // newest first
            drop(id, zip(1000, i), 1_700_000_000L + i * 60);
        }
        List<String> seen = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            var page = packaging.listPackages(ListPackagesRequest.newBuilder().setPageSize(2).setPageToken(token).build());
            page.getPackagesList().forEach(p -> seen.add(p.getPackageId()));
            token = page.getNextPageToken();
            pages++;
        } while (!token.isEmpty());
        assertEquals(3, pages);
        assertEquals(ids.stream().map(UUID::toString).toList(), seen);
        assertCode(Status.Code.INVALID_ARGUMENT,
                () -> packaging.listPackages(ListPackagesRequest.newBuilder().setPageToken("not-a-token").build()));
    }

    @Test
    void brokenSidecarsAreSkippedInListsAndReportedOnGet() throws Exception {
        UUID good = UUID.randomUUID();
        drop(good, zip(1000, 7), 1_700_000_000L);
        UUID broken = UUID.randomUUID();
        Files.write(config.storageDir().resolve(broken + ".zip"), zip(1000, 8));
        Files.writeString(config.storageDir().resolve(broken + ".json"), "{ not json");
        UUID orphan = UUID.randomUUID(); // sidecar without archive
        Files.writeString(config.storageDir().resolve(orphan + ".json"),
                "{\"packageId\": \"" + orphan + "\"}");

        var list = packaging.listPackages(ListPackagesRequest.getDefaultInstance());
        assertEquals(List.of(good.toString()), list.getPackagesList().stream().map(PackageInfo::getPackageId).toList());
        assertCode(Status.Code.DATA_LOSS,
                () -> packaging.getPackage(GetPackageRequest.newBuilder().setPackageId(broken.toString()).build()));
        assertCode(Status.Code.NOT_FOUND,
                () -> packaging.getPackage(GetPackageRequest.newBuilder().setPackageId(orphan.toString()).build()));
        // Both can still be removed.
        packaging.deletePackage(DeletePackageRequest.newBuilder().setPackageId(broken.toString()).build());
        packaging.deletePackage(DeletePackageRequest.newBuilder().setPackageId(orphan.toString()).build());
        try (Stream<Path> files = Files.list(config.storageDir())) {
            assertEquals(2, files.count(), "only the good package is left");
        }
    }

    @Test
    void unknownAndHostileIdsAreRefused() throws Exception {
        String unknown = UUID.randomUUID().toString();
        assertCode(Status.Code.NOT_FOUND,
                () -> packaging.getPackage(GetPackageRequest.newBuilder().setPackageId(unknown).build()));
        assertCode(Status.Code.NOT_FOUND, () -> download(UUID.fromString(unknown), 0, 0));
        assertCode(Status.Code.NOT_FOUND,
                () -> packaging.deletePackage(DeletePackageRequest.newBuilder().setPackageId(unknown).build()));

        // A file that a path built from raw input would reach.
        Files.createDirectories(config.storageDir());
        Files.writeString(config.storageDir().getParent().resolve("secret.json"), "{}");
        for (String hostile : List.of("../etc/passwd", "../secret", "", "1-1-1-1-1",
                unknown + "/../../secret", unknown + ".json", "/etc/passwd", unknown + "\0")) {
            assertCode(Status.Code.INVALID_ARGUMENT,
                    () -> packaging.getPackage(GetPackageRequest.newBuilder().setPackageId(hostile).build()));
            assertCode(Status.Code.INVALID_ARGUMENT, () -> packaging.downloadPackage(
                    DownloadPackageRequest.newBuilder().setPackageId(hostile).build()).hasNext());
            assertCode(Status.Code.INVALID_ARGUMENT,
                    () -> packaging.deletePackage(DeletePackageRequest.newBuilder().setPackageId(hostile).build()));
        }
        assertTrue(Files.exists(config.storageDir().getParent().resolve("secret.json")));
        Files.delete(config.storageDir().getParent().resolve("secret.json"));
    }

    @Test
    void withoutToolsOnCentralBuildsAndDeploymentRecordsAreRefusedClearly() {
        // This database has no LizSync tools: nothing can be packaged or recorded, and it says so.
        var build = assertThrows(StatusRuntimeException.class, () -> {
            var events = packaging.buildPackage(BuildPackageRequest.newBuilder().addSchemas("field").build());
            while (events.hasNext()) {
                events.next();
            }
        });
        assertEquals(Status.Code.FAILED_PRECONDITION, build.getStatus().getCode());
        assertTrue(build.getStatus().getDescription().contains("not installed"), build.getStatus().getDescription());
        var both = assertThrows(StatusRuntimeException.class, () -> packaging.buildPackage(
                BuildPackageRequest.newBuilder().build()).hasNext());
        assertEquals(Status.Code.INVALID_ARGUMENT, both.getStatus().getCode());
        var record = assertThrows(StatusRuntimeException.class, () -> packaging.recordDeployment(
                RecordDeploymentRequest.newBuilder().setPackageId(UUID.randomUUID().toString())
                        .setCloneServerId(UUID.randomUUID().toString()).build()));
        assertEquals(Status.Code.NOT_FOUND, record.getStatus().getCode());
        assertCode(Status.Code.FAILED_PRECONDITION,
                () -> packaging.listDeployments(ListDeploymentsRequest.getDefaultInstance()));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> packaging.listDeployments(
                ListDeploymentsRequest.newBuilder().setPackageId("../x").build()));
    }

    // --- helpers

    /** Writes a package the way the builder will: the archive, then its PackageInfo sidecar. */
    private PackageInfo drop(UUID id, byte[] zip, long createdAtSeconds) throws Exception {
        Path dir = Files.createDirectories(config.storageDir());
        Files.write(dir.resolve(id + ".zip"), zip);
        PackageInfo info = PackageInfo.newBuilder()
                .setPackageId(id.toString())
                .setFormatVersion(1)
                .setToolsVersion("2")
                .setCentralServerId(UUID.randomUUID().toString())
                .setCreatedAt(Timestamp.newBuilder().setSeconds(createdAtSeconds))
                .setLogPosition("opaque-123")
                .addTables(PackagedTable.newBuilder()
                        .setTable(TableRef.newBuilder().setSchemaName("Inventaire Forêt").setTableName("Arbres"))
                        .setStructureFingerprint("ab".repeat(32))
                        .setRowCount(2))
                .setSizeBytes(zip.length)
                .setSha256(sha256(zip))
                .setHistorySyncId(UUID.randomUUID().toString())
                .setDescription("hand-made test package")
                .setRequestedBy("tester")
                .build();
        Files.writeString(dir.resolve(id + ".json"), JsonFormat.printer().print(info), StandardCharsets.UTF_8);
        return info;
    }

    private List<PackageChunk> download(UUID id, long offset, int chunkSize) {
        Iterator<PackageChunk> it = packaging.downloadPackage(DownloadPackageRequest.newBuilder()
                .setPackageId(id.toString()).setOffset(offset).setChunkSize(chunkSize).build());
        List<PackageChunk> chunks = new ArrayList<>();
        it.forEachRemaining(chunks::add);
        return chunks;
    }

    /** Joins chunks, checking offsets are contiguous from {@code start} and only the last is last. */
    private static byte[] concat(List<PackageChunk> chunks, long start) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long expected = start;
        for (int i = 0; i < chunks.size(); i++) {
            PackageChunk c = chunks.get(i);
            assertEquals(expected, c.getOffset(), "chunk " + i + " offset");
            assertEquals(i == chunks.size() - 1, c.getLast(), "chunk " + i + " last flag");
            if (i > 0) {
                assertEquals(0, c.getTotalSize(), "only the first chunk carries the size");
                assertEquals("", c.getSha256(), "only the first chunk carries the checksum");
            }
            c.getData().writeTo(out);
            expected += c.getData().size();
        }
        return out.toByteArray();
    }

    /** A real ZIP archive with an incompressible entry of about {@code bytes} bytes. */
    private static byte[] zip(int bytes, long seed) throws IOException {
        byte[] data = new byte[bytes];
        new Random(seed).nextBytes(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("data/table.bin"));
            zip.write(data);
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("99_last.sql"));
            zip.write("SELECT 1;\n".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return out.toByteArray();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static void assertCode(Status.Code code, Executable call) {
        var e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().getDescription());
    }

    @Test
    void everyRpcIsCheckedAgainstItsRule() {
        var channel = io.grpc.ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            int checked = io.lizsync.testkit.AccessMatrix.check(channel,
                    io.lizsync.packaging.grpc.PackagingAccess.policy(), PackagingServiceGrpc.getServiceDescriptor(),
                    io.lizsync.proto.jobs.v1.JobsGrpc.getServiceDescriptor());
            assertEquals(PackagingServiceGrpc.getServiceDescriptor().getMethods().size()
                    + io.lizsync.proto.jobs.v1.JobsGrpc.getServiceDescriptor().getMethods().size(), checked);
        } finally {
            channel.shutdownNow();
        }
    }

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.grpc.clients.packaging.port")
    int port;
}
