package io.lizsync.packaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lizsync.grpckit.MessageSizeErrors;
import io.lizsync.packaging.config.PackagingConfig;
import io.lizsync.proto.packaging.v1.BuildPackageRequest;
import io.lizsync.proto.packaging.v1.DownloadPackageRequest;
import io.lizsync.proto.packaging.v1.ListPackagesRequest;
import io.lizsync.proto.packaging.v1.PackageChunk;
import io.lizsync.proto.packaging.v1.PackageInfo;
import io.lizsync.proto.packaging.v1.PackagingServiceGrpc;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The byte sizes of packaging-service's messages over real gRPC: chunks of at most
 * {@code lizsync.packaging.max-chunk-bytes} whatever the client asks, requests up to
 * {@code max-message-bytes} reach the service (the Vert.x default of 256 KiB would refuse a
 * build's 1 MiB of additional SQL), larger ones are refused and explained, listing pages are
 * bounded by bytes.
 */
@QuarkusTest
@QuarkusTestResource(value = PackagingTestResource.class, restrictToAnnotatedClass = true)
class PackagingMessageSizesIT {

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

    private long clock = 1_700_000_000L;

    @BeforeEach
    void emptyStorage() throws Exception {
        Path dir = Files.createDirectories(config.storageDir());
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
    }

    @Test
    void chunksNeverCarryMoreThanTheConfiguredMaximum() throws Exception {
        assertEquals(1024 * 1024, config.maxChunkBytes());
        byte[] archive = new byte[3 * 1024 * 1024 + 12_345];
        new Random(3).nextBytes(archive);
        UUID id = drop(archive, "x");
        // A client asking for 16 MiB chunks gets 1 MiB ones.
        List<PackageChunk> chunks = new ArrayList<>();
        packaging.downloadPackage(DownloadPackageRequest.newBuilder().setPackageId(id.toString())
                .setChunkSize(16 * 1024 * 1024).build()).forEachRemaining(chunks::add);
        assertEquals(4, chunks.size());
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (PackageChunk c : chunks) {
            assertTrue(c.getData().size() <= config.maxChunkBytes(), "chunk of " + c.getData().size() + " bytes");
            assertTrue(c.getSerializedSize() < config.maxChunkBytes() + 1024, "message of " + c.getSerializedSize());
            c.getData().writeTo(joined);
        }
        assertArrayEquals(archive, joined.toByteArray());
    }

    @Test
    void aBuildWithOneMebibyteOfAdditionalSqlReachesTheService() {
        // 1 MiB of SQL is what the contract allows: the service answers (no tools here), gRPC does not refuse it.
        String sql = "SELECT 1;\n".repeat(1024 * 1024 / 10) + "-- " + "x".repeat(1024 * 1024 % 10 - 3);
        assertEquals(1024 * 1024, sql.getBytes(StandardCharsets.UTF_8).length);
        var e = assertThrows(StatusRuntimeException.class, () -> packaging.buildPackage(BuildPackageRequest.newBuilder()
                .addSchemas("field").setAdditionalSql(sql).build()).forEachRemaining(event -> { }));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode(), e.getStatus().getDescription());
    }

    @Test
    void aRequestAboveTheLimitIsRefusedAndTheRefusalExplained() {
        BuildPackageRequest huge = BuildPackageRequest.newBuilder().addSchemas("field")
                .setDescription("d".repeat(config.maxMessageBytes() + 1)).build();
        var e = assertThrows(StatusRuntimeException.class, () -> packaging.buildPackage(huge).forEachRemaining(x -> { }));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
        String d = MessageSizeErrors.Call.to("packaging-service", "BuildPackage")
                .accepting(8 * 1024 * 1024, "the test client's limit")
                .peerLimit("lizsync.packaging.max-message-bytes").explain(e, huge.getSerializedSize())
                .getStatus().getDescription();
        assertTrue(d.contains("packaging-service refused a message of " + huge.getSerializedSize() + " bytes"), d);
        assertTrue(d.contains("Raise lizsync.packaging.max-message-bytes on packaging-service"), d);
    }

    @Test
    void listingPagesAreBoundedByBytesToo() throws Exception {
        List<String> newestFirst = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            newestFirst.add(0, drop(new byte[100], "%d:%s".formatted(i, "z".repeat(400_000))).toString());
        }
        List<String> seen = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            var page = packaging.listPackages(ListPackagesRequest.newBuilder().setPageToken(token).build());
            assertTrue(page.getSerializedSize() <= 1024 * 1024 + 64, "page of " + page.getSerializedSize() + " bytes");
            page.getPackagesList().forEach(p -> seen.add(p.getPackageId()));
            token = page.getNextPageToken();
            pages++;
        } while (!token.isEmpty() && pages < 10);
        assertEquals(newestFirst, seen, "every package once, newest first");
        assertEquals(3, pages, "2 + 2 + 1 packages of 400 kB");
    }

    /** A package on disk: the bytes as its archive, a sidecar with this description. */
    private UUID drop(byte[] archive, String description) throws Exception {
        UUID id = UUID.randomUUID();
        Path dir = config.storageDir();
        Files.write(dir.resolve(id + ".zip"), archive);
        PackageInfo info = PackageInfo.newBuilder().setPackageId(id.toString()).setFormatVersion(1)
                .setCreatedAt(Timestamp.newBuilder().setSeconds(clock += 60))
                .setSizeBytes(archive.length).setDescription(description).build();
        Files.writeString(dir.resolve(id + ".json"), JsonFormat.printer().print(info), StandardCharsets.UTF_8);
        return id;
    }
}
