package io.lizsync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.lizsync.proto.packaging.v1.DeletePackageRequest;
import io.lizsync.proto.packaging.v1.DeletePackageResponse;
import io.lizsync.proto.packaging.v1.GetPackageRequest;
import io.lizsync.proto.packaging.v1.PackageInfo;
import io.lizsync.proto.packaging.v1.PackagingServiceGrpc;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Refused messages, as a user of the CLI sees them, against a stand-in packaging-service on
 * loopback: an answer over the CLI's 16 MiB, and the bare refusal a Vert.x server gives for a
 * request over its limit.
 */
class MessageSizeCliTest {

    private static final String ID = "0b9f5a4e-3c1d-4e2f-9a8b-7c6d5e4f3a2b";
    static Server server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new PackagingServiceGrpc.PackagingServiceImplBase() {
                    @Override
                    public void getPackage(GetPackageRequest request, StreamObserver<PackageInfo> response) {
                        // A description over the CLI's limit: the sender's bug.
                        response.onNext(PackageInfo.newBuilder().setPackageId(ID)
                                .setDescription("x".repeat(Channels.MAX_MESSAGE_BYTES + 10)).build());
                        response.onCompleted();
                    }

                    @Override
                    public void deletePackage(DeletePackageRequest request, StreamObserver<DeletePackageResponse> response) {
                        // What a Vert.x gRPC server answers to a request above its limit: nothing more.
                        response.onError(Status.RESOURCE_EXHAUSTED.asRuntimeException());
                    }
                }).build().start();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void anAnswerAboveTheClisLimitSaysWhoSentWhatAndThatItIsTheSendersBug() {
        var err = new ByteArrayOutputStream();
        int code = run(err, "package-show", "--package-id", ID);
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(LizsyncCli.FAILED, code, text);
        assertTrue(text.contains("lizsync: RESOURCE_EXHAUSTED: message too large: lizsync package-show: packaging-service at 127.0.0.1:"
                + server.getPort() + " sent a message of 167772"), text);
        assertTrue(text.contains("more than the 16777216 bytes (16.0 MiB) this side accepts"), text);
        assertTrue(text.contains("so this is a bug of the sender"), text);
    }

    @Test
    void aBareRefusalByTheServiceNamesTheSettingToRaiseThere() {
        var err = new ByteArrayOutputStream();
        int code = run(err, "package-delete", "--package-id", ID);
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(LizsyncCli.FAILED, code, text);
        assertTrue(text.contains("packaging-service at 127.0.0.1:" + server.getPort() + " refused a message sent to it"), text);
        assertTrue(text.contains("Raise lizsync.packaging.max-message-bytes (LIZSYNC_PACKAGING_MAX_MESSAGE_BYTES) on packaging-service"),
                text);
    }

    private int run(ByteArrayOutputStream err, String... argv) {
        Map<String, String> env = Map.of("LIZSYNC_PACKAGING", "127.0.0.1:" + server.getPort());
        return new LizsyncCli(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, dir).run(argv);
    }
}
