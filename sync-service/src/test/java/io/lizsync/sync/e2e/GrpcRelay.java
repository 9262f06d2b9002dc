package io.lizsync.sync.e2e;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.HandlerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A man in the middle at the gRPC level: every call it receives on its loopback port goes on to
 * the target, headers and messages as they are, except that each message the target answers can
 * be rewritten on its way back ({@link Tamper}). Methods are relayed as raw bytes, so it relays
 * any service without knowing it.
 */
final class GrpcRelay implements AutoCloseable {

    /** Rewrites an answer of {@code fullMethodName} on its way to the caller (return it unchanged to pass it). */
    @FunctionalInterface
    interface Tamper {
        byte[] answer(String fullMethodName, byte[] message) throws IOException;
    }

    /** Messages as their bytes (also the e2e benchmarks' methods). */
    static final MethodDescriptor.Marshaller<byte[]> RAW = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private final ManagedChannel target;
    private final Server server;
    private volatile Tamper tamper = (method, message) -> message;

    GrpcRelay(int targetPort) throws IOException {
        this.target = ManagedChannelBuilder.forAddress("127.0.0.1", targetPort).usePlaintext()
                .maxInboundMessageSize(64 * 1024 * 1024).build();
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .maxInboundMessageSize(64 * 1024 * 1024)
                .fallbackHandlerRegistry(new HandlerRegistry() {
                    @Override
                    public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
                        MethodDescriptor<byte[], byte[]> m = MethodDescriptor.<byte[], byte[]>newBuilder()
                                .setType(MethodDescriptor.MethodType.UNKNOWN).setFullMethodName(methodName)
                                .setRequestMarshaller(RAW).setResponseMarshaller(RAW).build();
                        return ServerMethodDefinition.create(m, new Relayed(m));
                    }
                }).build().start();
    }

    int port() {
        return server.getPort();
    }

    /** From now on, answers pass through {@code t}. */
    void tamper(Tamper t) {
        this.tamper = t;
    }

    /** One relayed call: the caller's side as a server call, the target's as a client call. */
    private final class Relayed implements ServerCallHandler<byte[], byte[]> {
        private final MethodDescriptor<byte[], byte[]> method;

        Relayed(MethodDescriptor<byte[], byte[]> method) {
            this.method = method;
        }

        @Override
        public ServerCall.Listener<byte[]> startCall(ServerCall<byte[], byte[]> caller, Metadata headers) {
            ClientCall<byte[], byte[]> onward = target.newCall(method, CallOptions.DEFAULT);
            onward.start(new ClientCall.Listener<>() {
                @Override
                public void onHeaders(Metadata h) {
                    caller.sendHeaders(h);
                }

                @Override
                public void onMessage(byte[] message) {
                    try {
                        caller.sendMessage(tamper.answer(method.getFullMethodName(), message));
                    } catch (IOException | RuntimeException e) {
                        onward.cancel("the relay's tamper failed", e);
                    }
                }

                @Override
                public void onClose(Status status, Metadata trailers) {
                    caller.close(status, trailers);
                }
            }, headers);
            // Test traffic: no flow control of its own, the two ends have theirs.
            onward.request(Integer.MAX_VALUE);
            caller.request(Integer.MAX_VALUE);
            return new ServerCall.Listener<>() {
                @Override
                public void onMessage(byte[] message) {
                    onward.sendMessage(message);
                }

                @Override
                public void onHalfClose() {
                    onward.halfClose();
                }

                @Override
                public void onCancel() {
                    onward.cancel("the caller cancelled", null);
                }
            };
        }
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        target.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
