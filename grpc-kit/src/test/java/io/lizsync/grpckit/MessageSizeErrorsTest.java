package io.lizsync.grpckit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The explanation of refused messages, against the refusals of a real grpc-java server and client
 * on loopback (their wording is what the helper reads), and the byte bound of
 * {@link FlowControlledSender}.
 */
class MessageSizeErrorsTest {

    static final int SERVER_LIMIT = 64 * 1024;
    static final int CLIENT_LIMIT = 128 * 1024;
    static final int STREAM_BOUND = 32 * 1024;

    /** Unary: the request's value is a decimal size; the answer holds that many bytes. */
    static final MethodDescriptor<BytesValue, BytesValue> ECHO = method("Echo", MethodDescriptor.MethodType.UNARY);
    /** Server stream: chunks of the requested size, three of them, through FlowControlledSender. */
    static final MethodDescriptor<BytesValue, BytesValue> CHUNKS = method("Chunks",
            MethodDescriptor.MethodType.SERVER_STREAMING);

    static Server server;
    static ManagedChannel channel;

    static final MessageSizeErrors.Call CALL = MessageSizeErrors.Call.to("test-service at 127.0.0.1", "Echo")
            .accepting(CLIENT_LIMIT, "lizsync.test.max-message-bytes")
            .peerLimit("lizsync.peer.max-message-bytes");

    @BeforeAll
    static void start() throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .maxInboundMessageSize(SERVER_LIMIT)
                .addService(ServerServiceDefinition.builder("test.Sizes")
                        .addMethod(ECHO, ServerCalls.asyncUnaryCall((request, response) -> {
                            response.onNext(bytes(size(request)));
                            response.onCompleted();
                        }))
                        .addMethod(CHUNKS, ServerCalls.asyncServerStreamingCall((request, response) -> {
                            int n = size(request);
                            FlowControlledSender.start(response, new FlowControlledSender.Source<BytesValue>() {
                                int sent;

                                @Override
                                public BytesValue next() {
                                    return sent++ < 3 ? bytes(n) : null;
                                }

                                @Override
                                public void close() {
                                }
                            }, STREAM_BOUND, t -> Status.INTERNAL.withDescription(t.getMessage()).asRuntimeException());
                        }))
                        .build())
                .build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext()
                .maxInboundMessageSize(CLIENT_LIMIT).build();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void aMessageThisSideRefusesNamesItsSizeTheLimitAndTheSettingToRaise() {
        var e = assertThrows(StatusRuntimeException.class, () -> echo(ask(200_000)));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
        var explained = CALL.explain(e);
        String d = explained.getStatus().getDescription();
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, explained.getStatus().getCode());
        assertTrue(d.startsWith("message too large: Echo: test-service at 127.0.0.1 sent a message of 2000"), d);
        assertTrue(d.contains("more than the 131072 bytes (128.0 KiB) this side accepts"), d);
        assertTrue(d.contains("Raise lizsync.test.max-message-bytes on this side above 2000"), d);
        assertSame(e, explained.getCause());
        // The peer's own bound named: then it is the sender's bug.
        String bug = CALL.peerSends("chunks of at most 1 MiB").explain(e).getStatus().getDescription();
        assertTrue(bug.contains("test-service at 127.0.0.1 sends chunks of at most 1 MiB, so this is a bug of the sender"),
                bug);
        // A fixed limit on this side: only the sender can help.
        String fixed = MessageSizeErrors.Call.to("peer", "call").accepting(CLIENT_LIMIT, null).explain(e)
                .getStatus().getDescription();
        assertTrue(fixed.contains("peer must send smaller messages (a bug of the sender)"), fixed);
    }

    @Test
    void aMessageThePeerRefusesNamesWhatWasSentItsLimitAndItsSetting() {
        BytesValue request = BytesValue.newBuilder().setValue(ByteString.copyFrom(new byte[100_000])).build();
        var e = assertThrows(StatusRuntimeException.class, () -> echo(request));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
        String d = CALL.explain(e, request.getSerializedSize()).getStatus().getDescription();
        assertTrue(d.startsWith("message too large: Echo: test-service at 127.0.0.1 refused a message of "
                + MessageLimits.bytes(request.getSerializedSize())), d);
        assertTrue(d.contains("(65536 bytes (64.0 KiB))"), d);
        assertTrue(d.contains("Raise lizsync.peer.max-message-bytes on test-service at 127.0.0.1"), d);
    }

    @Test
    void theBareRefusalOfAVertxServerIsExplainedWithItsDefault() {
        var bare = Status.RESOURCE_EXHAUSTED.asRuntimeException();
        String d = CALL.explain(bare, 300_000).getStatus().getDescription();
        assertTrue(d.contains("refused a message of 300000 bytes (293.0 KiB) sent to it"), d);
        assertTrue(d.contains("quarkus.grpc.server.max-inbound-message-size; 262144 bytes (256.0 KiB) when that is not set"),
                d);
    }

    @Test
    void otherErrorsAndExplainedOnesStayAsTheyAre() {
        var rule = Status.RESOURCE_EXHAUSTED.withDescription("upload larger than the limit of 2097152 bytes")
                .asRuntimeException();
        assertSame(rule, CALL.explain(rule));
        var notFound = Status.NOT_FOUND.withDescription("no such package").asRuntimeException();
        assertSame(notFound, CALL.explain(notFound));
        var once = CALL.explain(Status.RESOURCE_EXHAUSTED.withDescription("gRPC message exceeds maximum size 131072: 9")
                .asRuntimeException());
        assertSame(once, CALL.explain(once), "a relayed explanation is not explained again");
        assertTrue(MessageSizeErrors.isSizeRefusal(once.getStatus()));
        // grpc-go's wording (a client or server written in Go).
        String go = CALL.explain(Status.RESOURCE_EXHAUSTED
                .withDescription("grpc: received message larger than max (5000000 vs. 131072)").asRuntimeException())
                .getStatus().getDescription();
        assertTrue(go.contains("sent a message of 5000000 bytes (4.8 MiB), more than the 131072 bytes"), go);
    }

    @Test
    void aStreamedMessageAboveTheStreamsBoundFailsAtTheSenderAsItsBug() {
        Iterator<BytesValue> ok = ClientCalls.blockingServerStreamingCall(channel, CHUNKS,
                io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), ask(STREAM_BOUND - 16));
        int n = 0;
        while (ok.hasNext()) {
            assertEquals(STREAM_BOUND - 16, ok.next().getValue().size());
            n++;
        }
        assertEquals(3, n);
        Iterator<BytesValue> tooBig = ClientCalls.blockingServerStreamingCall(channel, CHUNKS,
                io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), ask(STREAM_BOUND + 1));
        var e = assertThrows(StatusRuntimeException.class, tooBig::hasNext);
        assertEquals(Status.Code.INTERNAL, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("above this stream's bound of 32768 bytes (32.0 KiB)"),
                e.getStatus().getDescription());
        assertTrue(e.getStatus().getDescription().contains("a bug of the sender"), e.getStatus().getDescription());
    }

    @Test
    void chunkSizesAreBoundedByTheServiceAndTheCeiling() {
        assertEquals(MessageLimits.DEFAULT_CHUNK_BYTES, MessageLimits.chunkBytes(0, MessageLimits.MAX_CHUNK_BYTES));
        assertEquals(65536, MessageLimits.chunkBytes(65536, MessageLimits.MAX_CHUNK_BYTES));
        assertEquals(MessageLimits.MAX_CHUNK_BYTES, MessageLimits.chunkBytes(16 << 20, MessageLimits.MAX_CHUNK_BYTES));
        assertEquals(MessageLimits.CHUNK_CEILING, MessageLimits.chunkBytes(Integer.MAX_VALUE, Integer.MAX_VALUE));
        assertEquals(1000, MessageLimits.chunkBytes(0, 1000), "the default never exceeds the configured maximum");
        assertThrows(IllegalArgumentException.class, () -> MessageLimits.chunkBytes(-1, 1000));
        assertTrue(MessageLimits.CHUNK_CEILING + MessageLimits.CHUNK_OVERHEAD <= MessageLimits.GRPC_JAVA_DEFAULT);
    }

    // ------------------------------------------------------------------ helpers

    static BytesValue echo(BytesValue request) {
        return ClientCalls.blockingUnaryCall(channel, ECHO,
                io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), request);
    }

    static BytesValue ask(int size) {
        return BytesValue.newBuilder().setValue(ByteString.copyFromUtf8(Integer.toString(size))).build();
    }

    static int size(BytesValue request) {
        return Integer.parseInt(request.getValue().toStringUtf8());
    }

    static BytesValue bytes(int n) {
        return BytesValue.newBuilder().setValue(ByteString.copyFrom(new byte[n])).build();
    }

    static MethodDescriptor<BytesValue, BytesValue> method(String name, MethodDescriptor.MethodType type) {
        return TestMethods.bytes("test.Sizes", name, type);
    }
}
