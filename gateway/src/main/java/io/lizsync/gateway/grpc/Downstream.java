package io.lizsync.gateway.grpc;

import io.grpc.Metadata;
import io.lizsync.gateway.auth.GatewayIdentityProvider;
import io.lizsync.grpckit.auth.BearerCredentials;
import io.lizsync.grpckit.auth.Caller;
import io.quarkus.grpc.GrpcClientUtils;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The services called on the REST caller's behalf: every call carries the caller's access token,
 * and the service checks it again against its own access table (the gateway's role check is the
 * first of two, never the only one).
 */
@ApplicationScoped
public class Downstream {

    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    @Inject
    SecurityIdentity identity;

    /** The verified caller of the current request. */
    public Caller caller() {
        Caller caller = identity.getAttribute(GatewayIdentityProvider.CALLER);
        if (caller == null) {
            throw new UnauthorizedException("this operation needs an authenticated caller");
        }
        return caller;
    }

    /** A Mutiny client of a service that calls it with the current caller's access token. */
    public <T> T asCaller(T client) {
        return as(caller(), client);
    }

    /**
     * A Mutiny client that calls with a given caller's access token: for work done on behalf of
     * callers outside their request (the dashboard's shared overview poller, for its subscribers).
     */
    public static <T> T as(Caller caller, T client) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + caller.token());
        return GrpcClientUtils.attachHeaders(client, headers);
    }

    /** The current caller's access token as call credentials (for the plain gRPC stubs). */
    public BearerCredentials credentials() {
        return BearerCredentials.of(caller().token());
    }
}
