package io.lizsync.grpckit;

import com.google.protobuf.BytesValue;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** gRPC methods of test services whose requests and answers are {@link BytesValue}s. */
public final class TestMethods {

    private TestMethods() {
    }

    public static MethodDescriptor<BytesValue, BytesValue> bytes(String service, String name,
            MethodDescriptor.MethodType type) {
        MethodDescriptor.Marshaller<BytesValue> m = new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(BytesValue value) {
                return new ByteArrayInputStream(value.toByteArray());
            }

            @Override
            public BytesValue parse(InputStream stream) {
                try {
                    return BytesValue.parseFrom(stream);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        return MethodDescriptor.<BytesValue, BytesValue>newBuilder().setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(service, name))
                .setRequestMarshaller(m).setResponseMarshaller(m).build();
    }
}
