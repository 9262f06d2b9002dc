package io.lizsync.grpckit.auth;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/** Client side: sends {@code authorization: Bearer <token>} with every call (the token asked for each time). */
public final class BearerCredentials extends CallCredentials {

    private final Supplier<String> token;

    public BearerCredentials(Supplier<String> token) {
        this.token = token;
    }

    public static BearerCredentials of(String token) {
        return new BearerCredentials(() -> token);
    }

    @Override
    public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
        String value;
        try {
            value = token.get();
        } catch (RuntimeException e) {
            applier.fail(Status.UNAUTHENTICATED.withDescription("no access token: " + e.getMessage()));
            return;
        }
        Metadata headers = new Metadata();
        headers.put(AccessInterceptor.AUTHORIZATION, "Bearer " + value);
        applier.apply(headers);
    }
}
