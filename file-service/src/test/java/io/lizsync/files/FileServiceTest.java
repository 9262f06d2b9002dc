package io.lizsync.files;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lizsync.files.config.FilesConfig;
import io.lizsync.proto.files.v1.DownloadMediaRequest;
import io.lizsync.proto.files.v1.FileService;
import io.lizsync.proto.files.v1.FileServiceGrpc;
import io.lizsync.proto.files.v1.GetProjectsFromCentralFtpRequest;
import io.lizsync.proto.files.v1.ListMediaRequest;
import io.lizsync.proto.files.v1.MediaChunk;
import io.lizsync.proto.files.v1.MediaInfo;
import io.lizsync.proto.files.v1.SendProjectsToCloneFtpRequest;
import io.lizsync.proto.files.v1.SyncMediaToCentralFtpRequest;
import io.lizsync.proto.files.v1.UploadMediaMetadata;
import io.lizsync.proto.files.v1.UploadMediaRequest;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * file-service on its own (no database): health, metrics, and device media over real gRPC against
 * a real temporary work directory.
 */
@QuarkusTest
@TestProfile(FileServiceTest.TempWorkDir.class)
class FileServiceTest {

    static final int MAX_UPLOAD = 2 * 1024 * 1024;

    /** A fresh work directory, a 2 MiB upload limit, and a free port for the app and its test client. */
    public static class TempWorkDir implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Path dir = Files.createTempDirectory("lizsync-files-test-");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
                int port;
                try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                    port = s.getLocalPort();
                }
                return Map.of(
                        "lizsync.auth.public-key-file", io.lizsync.testkit.TestKeys.get().publicKeyFile().toString(),
                        "lizsync.files.work-dir", dir.toString(),
                        "lizsync.files.max-upload-bytes", String.valueOf(MAX_UPLOAD),
                        "quarkus.http.test-port", String.valueOf(port),
                        "quarkus.grpc.clients.files.host", "127.0.0.1",
                        "quarkus.grpc.clients.files.port", String.valueOf(port),
                        "quarkus.grpc.clients.files.test-port", String.valueOf(port));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

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
    void healthAndMetricsAnswer() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem("File-service work directory"))
                .body("checks.data.path", hasItem(config.workDir().toString()));
        given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
    }

    @Test
    void uploadListDownloadRoundTrip() throws Exception {
        String project = "forest-" + UUID.randomUUID();
        byte[] photo = random(10_000, 1);
        byte[] big = random(1024 * 1024, 2);

        MediaInfo up = upload(meta(project, "upload/photo-1.jpg", photo), photo, 4096);
        assertEquals(project, up.getProjectKey());
        assertEquals("upload/photo-1.jpg", up.getPath());
        assertEquals(photo.length, up.getSizeBytes());
        assertEquals(sha256(photo), up.getSha256());
        assertEquals("image/jpeg", up.getMediaType());
        MediaInfo upBig = upload(meta(project, "upload/big.bin", big), big, 64 * 1024);
        assertEquals(sha256(big), upBig.getSha256());
        assertArrayEquals(big, Files.readAllBytes(config.workDir().resolve("media").resolve(project).resolve("upload/big.bin")));

        var list = blocking.listMedia(ListMediaRequest.newBuilder().setProjectKey(project).build()).getMediaList();
        assertEquals(List.of("upload/big.bin", "upload/photo-1.jpg"), list.stream().map(MediaInfo::getPath).toList());
        assertEquals(List.of(upBig, up), list, "a listing describes files as their upload did");
        assertEquals(List.of("upload/photo-1.jpg"), blocking.listMedia(ListMediaRequest.newBuilder()
                .setProjectKey(project).setPrefix("upload/p").build()).getMediaList().stream().map(MediaInfo::getPath).toList());
        assertEquals(0, blocking.listMedia(ListMediaRequest.newBuilder().setProjectKey(project)
                .setModifiedAfter(Timestamp.newBuilder().setSeconds(System.currentTimeMillis() / 1000 + 3600))
                .build()).getMediaCount());
        assertEquals(0, blocking.listMedia(ListMediaRequest.newBuilder().setProjectKey("no-such-project").build())
                .getMediaCount());

        // 1 MiB in the default 256 KiB chunks, then resumed from an offset in 100 000-byte chunks.
        List<MediaChunk> chunks = download(project, "upload/big.bin", 0, 0);
        assertEquals(4, chunks.size());
        assertEquals(upBig, chunks.get(0).getInfo());
        assertArrayEquals(big, concat(chunks, 0));
        chunks = download(project, "upload/big.bin", 300_000, 100_000);
        assertEquals(8, chunks.size());
        assertArrayEquals(Arrays.copyOfRange(big, 300_000, big.length), concat(chunks, 300_000));
        assertArrayEquals(photo, concat(download(project, "upload/photo-1.jpg", 0, 0), 0));
        assertCode(Status.Code.OUT_OF_RANGE, () -> download(project, "upload/photo-1.jpg", photo.length + 1L, 0));
        assertCode(Status.Code.NOT_FOUND, () -> download(project, "upload/nothing.jpg", 0, 0));
        assertCode(Status.Code.NOT_FOUND, () -> download(project, "upload", 0, 0));

        // No silent overwrite; an explicit one replaces the file.
        byte[] other = random(5_000, 3);
        assertCode(Status.Code.ALREADY_EXISTS, () -> upload(meta(project, "upload/photo-1.jpg", other), other, 4096));
        assertArrayEquals(photo, concat(download(project, "upload/photo-1.jpg", 0, 0), 0));
        // Overwriting is an operator's: a field user may add media, not replace them.
        FileService operator = files;
        files = as(anonymous, io.lizsync.grpckit.auth.Roles.FIELD);
        assertCode(Status.Code.PERMISSION_DENIED, () -> upload(meta(project, "upload/photo-1.jpg", other).toBuilder()
                .setOverwrite(true).build(), other, 4096));
        assertArrayEquals(photo, concat(download(project, "upload/photo-1.jpg", 0, 0), 0));
        files = operator;
        MediaInfo replaced = upload(meta(project, "upload/photo-1.jpg", other).toBuilder().setOverwrite(true).build(),
                other, 4096);
        assertEquals(sha256(other), replaced.getSha256());
        assertArrayEquals(other, concat(download(project, "upload/photo-1.jpg", 0, 0), 0));
        assertEquals(sha256(other), blocking.listMedia(ListMediaRequest.newBuilder().setProjectKey(project)
                .setPrefix("upload/photo").build()).getMedia(0).getSha256());

        // An empty file is a file.
        MediaInfo empty = upload(meta(project, "notes/empty.txt", new byte[0]), new byte[0], 1);
        assertEquals(0, empty.getSizeBytes());
        assertEquals(1, download(project, "notes/empty.txt", 0, 0).size());
        assertNoUnfinishedUploads();
    }

    @Test
    void hostileNamesAreRejectedAndNothingIsWritten() throws Exception {
        Path outside = Files.createTempDirectory("lizsync-files-outside-");
        Files.writeString(outside.resolve("secret.txt"), "secret");
        String project = "hostile-" + UUID.randomUUID();
        Path projectDir = Files.createDirectories(config.workDir().resolve("media").resolve(project));
        Files.createSymbolicLink(projectDir.resolve("escape"), outside);
        Set<Path> before = tree(config.workDir());

        byte[] data = "payload".getBytes();
        List<String> hostilePaths = List.of("../evil.txt", "../../../../tmp/evil.txt", "/etc/passwd", "/tmp/evil.txt",
                "upload/../../evil.txt", "upload/./evil.txt", "..", ".", "", "upload/", "upload//evil.txt",
                "upload\\..\\evil.txt", "C:\\evil.txt", "evil\0.txt", "upload/evil.txt\0.jpg", "evil\n.txt",
                "escape/evil.txt", "x".repeat(256));
        for (String path : hostilePaths) {
            assertCode(Status.Code.INVALID_ARGUMENT, () -> upload(meta(project, path, data), data, 4), path);
        }
        List<String> hostileKeys = List.of("..", ".", "", "a/b", "../x", "/", "a\\b", "nul\0", "x".repeat(256));
        for (String key : hostileKeys) {
            assertCode(Status.Code.INVALID_ARGUMENT, () -> upload(meta(key, "evil.txt", data), data, 4), key);
            assertCode(Status.Code.INVALID_ARGUMENT,
                    () -> blocking.listMedia(ListMediaRequest.newBuilder().setProjectKey(key).build()), key);
        }
        assertEquals(before, tree(config.workDir()), "nothing written in the work directory");
        assertEquals(Set.of(outside, outside.resolve("secret.txt")), tree(outside), "nothing written outside");

        for (String path : List.of("../secret.txt", "/etc/passwd", "upload/../../x", "a\\b", "x\0")) {
            assertCode(Status.Code.INVALID_ARGUMENT, () -> download(project, path, 0, 0), path);
        }
        assertCode(Status.Code.INVALID_ARGUMENT, () -> download(project, "escape/secret.txt", 0, 0),
                "a symbolic link out of the project");
        assertEquals(0, blocking.listMedia(ListMediaRequest.newBuilder().setProjectKey(project).build()).getMediaCount(),
                "listings do not follow symbolic links");
        Files.delete(projectDir.resolve("escape"));
        Files.delete(outside.resolve("secret.txt"));
        Files.delete(outside);
    }

    @Test
    void uploadRulesAreEnforcedAndLeaveNothingBehind() throws Exception {
        String project = "rules-" + UUID.randomUUID();
        byte[] tooBig = random(MAX_UPLOAD + 1, 4);
        assertCode(Status.Code.RESOURCE_EXHAUSTED, () -> upload(meta(project, "big.bin", tooBig), tooBig, 64 * 1024));
        // Announcing less than is sent does not get past the limit either.
        assertCode(Status.Code.RESOURCE_EXHAUSTED, () -> upload(
                meta(project, "big.bin", tooBig).toBuilder().setSizeBytes(MAX_UPLOAD).setSha256("").build(),
                tooBig, 64 * 1024));
        byte[] data = random(100_000, 5);
        assertCode(Status.Code.DATA_LOSS, () -> upload(
                meta(project, "short.bin", data).toBuilder().setSizeBytes(data.length + 1).build(), data, 8192));
        assertCode(Status.Code.DATA_LOSS, () -> upload(
                meta(project, "long.bin", data).toBuilder().setSizeBytes(data.length - 1).build(), data, 8192));
        assertCode(Status.Code.DATA_LOSS, () -> upload(
                meta(project, "bad-sum.bin", data).toBuilder().setSha256("00".repeat(32)).build(), data, 8192));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> upload(
                meta(project, "bad-sum.bin", data).toBuilder().setSha256("not hex").build(), data, 8192));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> files.uploadMedia(Multi.createFrom().items(
                UploadMediaRequest.newBuilder().setData(ByteString.copyFromUtf8("no metadata")).build()))
                .await().atMost(Duration.ofSeconds(30)));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> files.uploadMedia(Multi.createFrom().empty())
                .await().atMost(Duration.ofSeconds(30)));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> files.uploadMedia(Multi.createFrom().items(
                UploadMediaRequest.newBuilder().setMetadata(meta(project, "twice.bin", data)).build(),
                UploadMediaRequest.newBuilder().setMetadata(meta(project, "twice.bin", data)).build()))
                .await().atMost(Duration.ofSeconds(30)));
        Path projectDir = config.workDir().resolve("media").resolve(project);
        if (Files.exists(projectDir)) {
            assertEquals(List.of(), tree(projectDir).stream().filter(Files::isRegularFile).toList(),
                    "no media file was published");
        }
        assertNoUnfinishedUploads();
    }

    @Test
    void ftpOperationsNamingNoConfiguredEndpointAreRefusedAtOnce() {
        List<Executable> calls = List.of(
                () -> blocking.getProjectsFromCentralFtp(GetProjectsFromCentralFtpRequest.getDefaultInstance()),
                () -> blocking.sendProjectsToCloneFtp(SendProjectsToCloneFtpRequest.getDefaultInstance()),
                () -> blocking.syncMediaToCentralFtp(SyncMediaToCentralFtpRequest.getDefaultInstance()));
        for (Executable call : calls) {
            var e = assertThrows(StatusRuntimeException.class, call);
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
            assertTrue(e.getStatus().getDescription().startsWith("no FTP endpoint named"), e.getStatus().getDescription());
        }
    }

    // --- helpers

    private static UploadMediaMetadata meta(String project, String path, byte[] data) throws Exception {
        return UploadMediaMetadata.newBuilder()
                .setProjectKey(project)
                .setPath(path)
                .setSizeBytes(data.length)
                .setSha256(sha256(data))
                .setMediaType("application/octet-stream")
                .setDeviceId(UUID.randomUUID().toString())
                .build();
    }

    /** Uploads {@code data} in chunks of {@code chunk} bytes after the metadata message. */
    private MediaInfo upload(UploadMediaMetadata metadata, byte[] data, int chunk) {
        List<UploadMediaRequest> messages = new ArrayList<>();
        messages.add(UploadMediaRequest.newBuilder().setMetadata(metadata).build());
        for (int at = 0; at < data.length; at += chunk) {
            messages.add(UploadMediaRequest.newBuilder()
                    .setData(ByteString.copyFrom(data, at, Math.min(chunk, data.length - at))).build());
        }
        return files.uploadMedia(Multi.createFrom().iterable(messages)).await().atMost(Duration.ofSeconds(60));
    }

    private List<MediaChunk> download(String project, String path, long offset, int chunkSize) {
        List<MediaChunk> chunks = new ArrayList<>();
        blocking.downloadMedia(DownloadMediaRequest.newBuilder().setProjectKey(project).setPath(path)
                .setOffset(offset).setChunkSize(chunkSize).build()).forEachRemaining(chunks::add);
        return chunks;
    }

    /** Joins chunks, checking offsets are contiguous, only the first has metadata, only the last is last. */
    private static byte[] concat(List<MediaChunk> chunks, long start) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long expected = start;
        for (int i = 0; i < chunks.size(); i++) {
            MediaChunk c = chunks.get(i);
            assertEquals(expected, c.getOffset(), "chunk " + i + " offset");
            assertEquals(i == 0, c.hasInfo(), "chunk " + i + " metadata");
            assertEquals(i == chunks.size() - 1, c.getLast(), "chunk " + i + " last flag");
            c.getData().writeTo(out);
            expected += c.getData().size();
        }
        return out.toByteArray();
    }

    private void assertNoUnfinishedUploads() throws IOException {
        try (Stream<Path> parts = Files.list(config.workDir().resolve("tmp"))) {
            assertEquals(List.of(), parts.toList(), "temporary upload files are removed");
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temporary directory
        }
    }

    private static Set<Path> tree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.collect(Collectors.toSet());
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static void assertCode(Status.Code code, Executable call) {
        assertCode(code, call, "");
    }

    private static void assertCode(Status.Code code, Executable call, String what) {
        var e = assertThrows(StatusRuntimeException.class, call, what);
        assertEquals(code, e.getStatus().getCode(), what + ": " + e.getStatus().getDescription());
    }

    /** The Mutiny client calling as a holder of {@code role}. */
    static FileService as(FileService client, String role) {
        io.grpc.Metadata headers = new io.grpc.Metadata();
        headers.put(io.lizsync.grpckit.auth.AccessInterceptor.AUTHORIZATION,
                "Bearer " + io.lizsync.testkit.TestKeys.get().token("test-" + role, role));
        return io.quarkus.grpc.GrpcClientUtils.attachHeaders(client, headers);
    }

    @Test
    void everyRpcIsCheckedAgainstItsRule() {
        var channel = io.grpc.ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            int checked = io.lizsync.testkit.AccessMatrix.check(channel, io.lizsync.files.grpc.FilesAccess.policy(),
                    FileServiceGrpc.getServiceDescriptor(), io.lizsync.proto.jobs.v1.JobsGrpc.getServiceDescriptor());
            assertEquals(FileServiceGrpc.getServiceDescriptor().getMethods().size()
                    + io.lizsync.proto.jobs.v1.JobsGrpc.getServiceDescriptor().getMethods().size(), checked);
        } finally {
            channel.shutdownNow();
        }
    }

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.grpc.clients.files.port")
    int port;
}
