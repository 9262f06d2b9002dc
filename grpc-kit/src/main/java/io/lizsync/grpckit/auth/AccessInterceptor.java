package io.lizsync.grpckit.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Checks every call against the service's {@link AccessPolicy} before any of it runs: a method
 * without a rule is refused (PERMISSION_DENIED); a rule naming roles needs a valid access token in
 * {@code authorization: Bearer <token>} (else UNAUTHENTICATED) holding one of them (else
 * PERMISSION_DENIED), and the handler finds the {@link Caller} in the context. Clone-credential and
 * open calls pass to their handler, which checks what the request carries. The verifier keeps the
 * tokens it verified (AccessTokens.Verifier), so a repeated token costs a map lookup, not a
 * signature check. Nothing here logs a token.
 */
public class AccessInterceptor implements ServerInterceptor {

    public static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);
    private static final Logger LOG = Logger.getLogger(AccessInterceptor.class);

    private final AccessPolicy policy;
    private final AccessTokens.Verifier verifier;

    public AccessInterceptor(AccessPolicy policy, AccessTokens.Verifier verifier) {
        this.policy = policy;
        this.verifier = verifier;
    }

    /**
     * The interceptor of a service process (each service's bean extends this class): its table,
     * the registry's public key read from {@code publicKeyFile}; an unreadable key stops the
     * service, naming {@code setting}.
     */
    protected AccessInterceptor(AccessPolicy policy, Path publicKeyFile, String setting) {
        this(policy, publicKeyFile, setting, AccessTokens.LEEWAY);
    }

    /** Like {@link #AccessInterceptor(AccessPolicy, Path, String)}, tolerating {@code leeway} of clock difference. */
    protected AccessInterceptor(AccessPolicy policy, Path publicKeyFile, String setting, java.time.Duration leeway) {
        this(policy, verifier(publicKeyFile, setting, leeway));
    }

    private static AccessTokens.Verifier verifier(Path publicKeyFile, String setting, java.time.Duration leeway) {
        try {
            return new AccessTokens.Verifier(KeyFiles.readPublic(publicKeyFile), Clock.systemUTC(), leeway);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the access token public key (" + setting + "): "
                    + e.getMessage(), e);
        }
    }

    /** The token of an {@code authorization: Bearer} header, or null. */
    public static String bearer(Metadata headers) {
        String value = headers.get(AUTHORIZATION);
        if (value == null || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = value.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    @Override
    public final <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        Optional<AccessRule> rule = policy.ruleFor(method);
        if (rule.isEmpty()) {
            return refuse(call, Status.PERMISSION_DENIED, method + " is not in this service's access table: refused");
        }
        if (rule.get() instanceof AccessRule.NotServed notServed) {
            return refuse(call, Status.PERMISSION_DENIED, method + " is not served here: " + notServed.why());
        }
        Context context = Context.current().withValue(Caller.ADDRESS, address(call));
        if (!(rule.get() instanceof AccessRule.AnyRole needed)) {
            return Contexts.interceptCall(context, call, headers, next);
        }
        String token = bearer(headers);
        if (token == null) {
            return refuse(call, Status.UNAUTHENTICATED, method + " needs an access token (authorization: Bearer"
                    + " <token>): log in with the registry (lizsync login) or exchange an API token for one");
        }
        Caller caller = localCaller(token);
        try {
            if (caller == null) {
                caller = verifier.verify(token);
            }
        } catch (InvalidTokenException e) {
            return refuse(call, Status.UNAUTHENTICATED, e.getMessage());
        }
        if (!caller.holdsAny(needed.roles())) {
            return refuse(call, Status.PERMISSION_DENIED, method + " needs the role " + String.join(" or ",
                    needed.roles().stream().sorted().toList()) + "; " + caller.login() + " holds "
                    + (caller.roles().isEmpty() ? "none" : String.join(", ", caller.roles().stream().sorted().toList())));
        }
        return Contexts.interceptCall(context.withValue(Caller.KEY, caller), call, headers, next);
    }

    /**
     * The caller of {@code token} when it is this process's {@link LocalToken}, else null (then it
     * must be an access token). None by default.
     */
    protected Caller localCaller(String token) {
        return null;
    }

    /** The caller's IP address as the transport saw it, or null when it does not say. */
    private static String address(ServerCall<?, ?> call) {
        SocketAddress a = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        return a instanceof InetSocketAddress inet && inet.getAddress() != null ? inet.getAddress().getHostAddress() : null;
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status, String why) {
        LOG.debugf("refused %s: %s", call.getMethodDescriptor().getFullMethodName(), status.getCode());
        call.close(status.withDescription(why), new Metadata());
        return new ServerCall.Listener<>() {
        };
    }
}
