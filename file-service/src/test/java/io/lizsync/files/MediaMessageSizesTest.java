package io.lizsync.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lizsync.files.config.FilesConfig;
import io.lizsync.grpckit.MessageSizeErrors;
import io.lizsync.proto.files.v1.DownloadMediaRequest;
import io.lizsync.proto.files.v1.FileService;
import io.lizsync.proto.files.v1.FileServiceGrpc;
import io.lizsync.proto.files.v1.ListMediaRequest;
import io.lizsync.proto.files.v1.MediaChunk;
import io.lizsync.proto.files.v1.MediaInfo;
import io.lizsync.proto.files.v1.UploadMediaMetadata;
import io.lizsync.proto.files.v1.UploadMediaRequest;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Media larger than one chunk and one message, over real gRPC (same profile as
 * {@link FileServiceTest}: one running service): a 5 MiB photo downloads in chunks of at most
 * {@code max-chunk-bytes} whatever is asked, a 2 MiB upload goes in 1 MiB messages (above the
 * 256 KiB the Vert.x server takes by default), a message over {@code max-message-bytes} is refused
 * and explained, and a listing too large for one answer is refused clearly.
 */
@QuarkusTest
@TestProfile(FileServiceTest.TempWorkDir.class)
class MediaMessageSizesTest {

    @GrpcClient("files")
    FileServiceGrpc.FileServiceBlockingStub anonymousBlocking;

    @GrpcClient("files")
    FileService anonymous;

    /** file-service as an operator (tokens signed with the test keys). */
    FileServiceGrpc.FileServiceBlockingStub blocking;
    FileService files;

    @org.junit.jupiter.api.BeforeEach
    void asOperator() {
        blocking = anonymousBlocking.withCallCredentials(io.lizsync.testkit.TestKeys.get().as("test-operator",
                io.lizsync.grpckit.auth.Roles.OPERATOR));
        files = FileServiceTest.as(anonymous, io.lizsync.grpckit.auth.Roles.OPERATOR);
    }

    @Inject
    FilesConfig config;

    @Test
    void aPhotoLargerThanOneChunkDownloadsInBoundedChunks() throws Exception {
        String project = "drone-" + UUID.randomUUID();
        byte[] photo = random(5 * 1024 * 1024 + 77, 5);
        Path file = config.workDir().resolve("media").resolve(project).resolve("upload/DJI_0042.JPG");
        Files.createDirectories(file.getParent());
        Files.write(file, photo);

        List<MediaChunk> asked16MiB = download(project, "upload/DJI_0042.JPG", 16 * 1024 * 1024);
        assertEquals(6, asked16MiB.size(), "5 MiB + 77 bytes in 1 MiB chunks");
        for (MediaChunk c : asked16MiB) {
            assertTrue(c.getData().size() <= config.maxChunkBytes(), c.getData().size() + " bytes");
        }
        assertArrayEquals(photo, join(asked16MiB));
        assertEquals(sha256(photo), asked16MiB.get(0).getInfo().getSha256());
        List<MediaChunk> byDefault = download(project, "upload/DJI_0042.JPG", 0);
        assertEquals(21, byDefault.size(), "the contract's default chunk of 256 KiB");
        assertArrayEquals(photo, join(byDefault));
    }

    @Test
    void anUploadInOneMebibyteMessagesIsAccepted() throws Exception {
        String project = "survey-" + UUID.randomUUID();
        byte[] scan = random(FileServiceTest.MAX_UPLOAD, 6);
        MediaInfo info = upload(meta(project, "upload/scan.tif", scan), scan, 1024 * 1024);
        assertEquals(sha256(scan), info.getSha256());
        assertArrayEquals(scan, Files.readAllBytes(config.workDir().resolve("media").resolve(project)
                .resolve("upload/scan.tif")));
    }

    @Test
    void aMessageAboveTheLimitIsRefusedAndExplainedAndNothingIsWritten() throws Exception {
        String project = "survey-" + UUID.randomUUID();
        byte[] data = new byte[config.maxMessageBytes() + 1];
        // Announced within the upload limit, so that gRPC's limit, not the service's rule, refuses it.
        UploadMediaMetadata small = UploadMediaMetadata.newBuilder().setProjectKey(project).setPath("upload/huge.bin")
                .setSizeBytes(1000).build();
        var e = assertThrows(StatusRuntimeException.class, () -> upload(small, data, data.length));
        StatusRuntimeException refusal = (StatusRuntimeException) (e.getStatus().getCode() == Status.Code.UNKNOWN
                && e.getCause() instanceof StatusRuntimeException s ? s : e);
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, refusal.getStatus().getCode(), String.valueOf(refusal.getStatus()));
        String d = MessageSizeErrors.Call.to("file-service", "UploadMedia")
                .peerLimit("lizsync.files.max-message-bytes").explain(refusal, data.length + 5L)
                .getStatus().getDescription();
        assertTrue(d.contains("file-service refused a message of " + (data.length + 5) + " bytes"), d);
        assertTrue(d.contains("Raise lizsync.files.max-message-bytes on file-service"), d);
        assertFalse(Files.exists(config.workDir().resolve("media").resolve(project).resolve("upload/huge.bin")));
    }

    @Test
    void aListingTooLargeForOneAnswerIsRefusedClearly() throws Exception {
        String project = "deep-" + UUID.randomUUID();
        // Long names (each under 255 bytes, the path under 4096): some 3.3 kB per entry.
        Path dir = config.workDir().resolve("media").resolve(project);
        for (int i = 0; i < 12; i++) {
            dir = dir.resolve("d" + i + "-" + "n".repeat(240));
        }
        Files.createDirectories(dir);
        int count = config.maxMessageBytes() / 3000;
        for (int i = 0; i < count; i++) {
            Files.createFile(dir.resolve(String.format("%05d-", i) + "f".repeat(190)));
        }
        var e = assertThrows(StatusRuntimeException.class,
                () -> blocking.listMedia(ListMediaRequest.newBuilder().setProjectKey(project).build()));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("list them by prefix or modified_after"),
                e.getStatus().getDescription());
        // Narrowed, it answers.
        var some = blocking.listMedia(ListMediaRequest.newBuilder().setProjectKey(project)
                .setPrefix(config.workDir().resolve("media").resolve(project).relativize(dir) + "/00001").build());
        assertEquals(1, some.getMediaCount());
    }

    // --- helpers

    private List<MediaChunk> download(String project, String path, int chunkSize) {
        List<MediaChunk> chunks = new ArrayList<>();
        blocking.downloadMedia(DownloadMediaRequest.newBuilder().setProjectKey(project).setPath(path)
                .setChunkSize(chunkSize).build()).forEachRemaining(chunks::add);
        return chunks;
    }

    private MediaInfo upload(UploadMediaMetadata metadata, byte[] data, int chunk) {
        List<UploadMediaRequest> messages = new ArrayList<>();
        messages.add(UploadMediaRequest.newBuilder().setMetadata(metadata).build());
        for (int at = 0; at < data.length; at += chunk) {
            messages.add(UploadMediaRequest.newBuilder()
                    .setData(ByteString.copyFrom(data, at, Math.min(chunk, data.length - at))).build());
        }
        return files.uploadMedia(Multi.createFrom().iterable(messages)).await().atMost(Duration.ofSeconds(60));
    }

    private static UploadMediaMetadata meta(String project, String path, byte[] data) throws Exception {
        return UploadMediaMetadata.newBuilder().setProjectKey(project).setPath(path).setSizeBytes(data.length)
                .setSha256(sha256(data)).build();
    }

    private static byte[] join(List<MediaChunk> chunks) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long at = 0;
        for (MediaChunk c : chunks) {
            assertEquals(at, c.getOffset());
            c.getData().writeTo(out);
            at += c.getData().size();
        }
        assertTrue(chunks.get(chunks.size() - 1).getLast());
        return out.toByteArray();
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
