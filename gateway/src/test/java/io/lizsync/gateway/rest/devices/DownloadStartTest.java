package io.lizsync.gateway.rest.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.lizsync.grpckit.StreamReader;
import io.lizsync.proto.sync.v1.DeviceRow;
import io.lizsync.proto.sync.v1.DeviceSyncGrpc;
import io.lizsync.proto.sync.v1.DownloadChunk;
import io.lizsync.proto.sync.v1.DownloadRequest;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How the gateway learns the shape of central's answer without a waiting thread, against a real
 * gRPC server on loopback whose download answers as the request's table name says.
 */
class DownloadStartTest {

    static Server server;
    static ManagedChannel channel;

    static DownloadChunk chunk(int rows, boolean last) {
        var b = DownloadChunk.newBuilder().setLast(last);
        for (int i = 0; i < rows; i++) {
            b.addRows(DeviceRow.newBuilder().setUid("u" + i).setVersion("1").setRowJson("{}"));
        }
        if (last) {
            b.setCheckpoint("cp").setStructureVersion("sv");
        }
        return b.build();
    }

    @BeforeAll
    static void start() throws Exception {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(new DeviceSyncGrpc.DeviceSyncImplBase() {
            @Override
            public void download(DownloadRequest r, StreamObserver<DownloadChunk> out) {
                switch (r.getTableName()) {
                    case "one" -> {
                        out.onNext(chunk(0, true));
                        out.onCompleted();
                    }
                    case "one-failed-end" -> {
                        out.onNext(chunk(0, true));
                        out.onError(Status.ABORTED.withDescription("late failure").asRuntimeException());
                    }
                    case "refused" -> out.onError(Status.FAILED_PRECONDITION.withDescription("structure").asRuntimeException());
                    case "empty" -> out.onCompleted();
                    case "three" -> {
                        out.onNext(chunk(2, false));
                        out.onNext(chunk(2, false));
                        out.onNext(chunk(1, true));
                        out.onCompleted();
                    }
                    default -> out.onError(Status.INVALID_ARGUMENT.asRuntimeException());
                }
            }
        }).build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    static DownloadStart call(String table) {
        var start = new DownloadStart(new StreamReader<>(LayerResource.AHEAD, 10, "test"));
        DeviceSyncGrpc.newStub(channel).download(DownloadRequest.newBuilder().setTableName(table).build(), start);
        return start;
    }

    static Throwable failure(DownloadStart s) {
        return assertThrows(ExecutionException.class, () -> s.started().toCompletableFuture().get(10, TimeUnit.SECONDS)).getCause();
    }

    @Test
    void aOneChunkAnswerIsWholeOnlyOnceTheCallEndedWell() throws Exception {
        DownloadStart.Start s = call("one").started().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertNull(s.reader());
        assertEquals("cp", s.whole().getCheckpoint());
        assertTrue(s.whole().getLast());

        var failed = (StatusRuntimeException) failure(call("one-failed-end"));
        assertEquals(Status.Code.ABORTED, failed.getStatus().getCode(), "a failed end is a refusal, not a 200");
    }

    @Test
    void refusalsAndAnEmptyCallFailBeforeAnyAnswer() {
        var refused = (StatusRuntimeException) failure(call("refused"));
        assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode());
        assertEquals("structure", refused.getStatus().getDescription());
        var empty = (StatusRuntimeException) failure(call("empty"));
        assertEquals(Status.Code.INTERNAL, empty.getStatus().getCode());
    }

    @Test
    void aLongerAnswerIsStreamedFromItsFirstChunk() throws Exception {
        DownloadStart.Start s = call("three").started().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertNull(s.whole());
        var reader = s.reader();
        int rows = 0;
        DownloadChunk c;
        DownloadChunk last = null;
        while ((c = reader.next()) != null) {
            rows += c.getRowsCount();
            last = c;
        }
        assertEquals(5, rows, "every chunk, the first included, in order");
        assertTrue(last.getLast());
        assertEquals("cp", last.getCheckpoint());
        assertSame(null, reader.next());
    }
}
