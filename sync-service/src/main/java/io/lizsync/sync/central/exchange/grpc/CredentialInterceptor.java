package io.lizsync.sync.central.exchange.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Carries the {@code authorization} header of an exchange call to its handler. Checking it needs
 * the database, so that happens in the handler, on a worker thread, never on the event loop.
 */
@ApplicationScoped
public class CredentialInterceptor implements ServerInterceptor {

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    public static final Context.Key<String> CREDENTIAL = Context.key("lizsync-clone-credential");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String value = headers.get(AUTHORIZATION);
        String credential = value != null && value.regionMatches(true, 0, "Bearer ", 0, 7) ? value.substring(7).trim()
                : null;
        return Contexts.interceptCall(Context.current().withValue(CREDENTIAL, credential), call, headers, next);
    }
}
