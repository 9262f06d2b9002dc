package io.lizsync.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.BytesValue;
import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsServerCredentials;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.lizsync.grpckit.tls.LinkSecurity;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The test certificates in a real TLS handshake, with grpc-kit's {@link LinkSecurity} as the client. */
class TestCertificatesTest {

    static final MethodDescriptor.Marshaller<BytesValue> MARSHALLER = new MethodDescriptor.Marshaller<>() {
        @Override
        public java.io.InputStream stream(BytesValue value) {
            return value.toByteString().newInput();
        }

        @Override
        public BytesValue parse(java.io.InputStream stream) {
            try {
                return BytesValue.parseFrom(stream);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    };

    static final MethodDescriptor<BytesValue, BytesValue> ECHO = MethodDescriptor.<BytesValue, BytesValue>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("test.Echo/Echo")
            .setRequestMarshaller(MARSHALLER).setResponseMarshaller(MARSHALLER).build();

    @Test
    void aClientTrustingTheTestCaConnectsOneTrustingAnotherCaOrSpeakingPlainTextIsRefused() throws Exception {
        TestCertificates certs = TestCertificates.get();
        Server server = Grpc.newServerBuilderForPort(0, TlsServerCredentials.create(certs.serverCertificate().toFile(),
                certs.serverKey().toFile()))
                .addService(ServerServiceDefinition.builder("test.Echo").addMethod(ECHO,
                        ServerCalls.asyncUnaryCall((request, response) -> {
                            response.onNext(request);
                            response.onCompleted();
                        })).build())
                .build().start();
        try {
            assertEquals("over TLS", echo(server.getPort(), new LinkSecurity(Optional.of(certs.caCertificate()), false)));

            var stranger = assertThrows(StatusRuntimeException.class, () -> echo(server.getPort(),
                    new LinkSecurity(Optional.of(certs.strangerCaCertificate()), false)));
            assertEquals(Status.Code.UNAVAILABLE, stranger.getStatus().getCode());
            assertTrue(String.valueOf(stranger.getCause()).toLowerCase().contains("certificat")
                    || String.valueOf(stranger.getStatus().getDescription()).toLowerCase().contains("ssl"),
                    "a certificate failure: " + stranger.getStatus() + " / " + stranger.getCause());

            var plain = assertThrows(StatusRuntimeException.class, () -> echo(server.getPort(),
                    new LinkSecurity(Optional.empty(), false)));
            assertEquals(Status.Code.UNAVAILABLE, plain.getStatus().getCode(), "plain text to a TLS-only server");
        } finally {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static String echo(int port, LinkSecurity security) {
        ManagedChannel ch = Grpc.newChannelBuilderForAddress("127.0.0.1", port,
                security.credentials("127.0.0.1", "the echo server")).build();
        try {
            return ClientCalls.blockingUnaryCall(ch, ECHO, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                    BytesValue.newBuilder().setValue(ByteString.copyFromUtf8("over TLS")).build()).getValue().toStringUtf8();
        } finally {
            ch.shutdownNow();
        }
    }
}
