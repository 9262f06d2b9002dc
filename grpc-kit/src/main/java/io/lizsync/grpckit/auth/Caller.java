package io.lizsync.grpckit.auth;

import io.grpc.Context;
import java.time.Instant;
import java.util.Set;

/**
 * Who makes the current call, as its verified access token says: the user's (or service's) id, its
 * login and roles, until when the token is valid, and the token itself (for a service that calls
 * another one on the caller's behalf: a sidecar registering the clone its operator deploys). Set
 * in the gRPC context by {@link AccessInterceptor} for every call that needs a token;
 * {@link #current()} reads it. {@link #toString()} never shows the token.
 */
public record Caller(String subject, String login, Set<String> roles, Instant expiresAt, String token) {

    static final Context.Key<Caller> KEY = Context.key("lizsync-caller");
    static final Context.Key<String> ADDRESS = Context.key("lizsync-caller-address");

    public Caller {
        roles = Set.copyOf(roles);
    }

    @Override
    public String toString() {
        return "Caller[" + login + " " + roles + ", until " + expiresAt + "]";
    }

    /** True when the caller holds at least one of {@code wanted}. */
    public boolean holdsAny(Set<String> wanted) {
        for (String r : wanted) {
            if (roles.contains(r)) {
                return true;
            }
        }
        return false;
    }

    /** The caller of the current call, or null for a call that needs no token (or outside a call). */
    public static Caller current() {
        return KEY.get();
    }

    /** The IP address the current call came from, or null when the transport does not say. */
    public static String currentAddress() {
        return ADDRESS.get();
    }
}
