package io.lizsync.testkit;

import io.grpc.CallCredentials;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.lizsync.grpckit.auth.AccessPolicy;
import io.lizsync.grpckit.auth.AccessRule;
import io.lizsync.grpckit.auth.Roles;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The test over every RPC of a service against its access table, over a real channel: each method
 * is called with its empty request (streams: with none) without a token, with a forged one, with a
 * token of every role it does not name (PERMISSION_DENIED expected) and of every role it names
 * (the access check must let it through: whatever the handler then says, it is not the check's
 * refusal). Methods open to anyone, or to clones by their credential, must pass without a token.
 */
public final class AccessMatrix {

    /** What the access check says when it refuses; the handlers' own refusals say other things. */
    private static final List<String> CHECK_WORDS = List.of("needs an access token", "needs the role",
            "access table", "the access token");

    private AccessMatrix() {
    }

    /** Checks every method of {@code services}; returns how many; an {@link AssertionError} lists every breach. */
    public static int check(Channel channel, AccessPolicy policy, ServiceDescriptor... services) {
        List<String> breaches = new ArrayList<>();
        int checked = 0;
        TestKeys keys = TestKeys.get();
        for (ServiceDescriptor service : services) {
            for (MethodDescriptor<?, ?> m : service.getMethods()) {
                String name = m.getFullMethodName();
                AccessRule rule = policy.ruleFor(name).orElse(null);
                if (rule == null) {
                    breaches.add(name + ": no rule");
                    continue;
                }
                if (rule instanceof AccessRule.AnyRole needed) {
                    expect(breaches, name + " without a token", call(channel, m, null), Status.Code.UNAUTHENTICATED);
                    expect(breaches, name + " with a forged token", call(channel, m,
                            io.lizsync.grpckit.auth.BearerCredentials.of("eyJhbGciOiJub25lIn0.e30.")),
                            Status.Code.UNAUTHENTICATED);
                    for (String role : Roles.ALL) {
                        Status s = call(channel, m, keys.as("matrix-" + role, role));
                        if (needed.roles().contains(role)) {
                            passed(breaches, name + " as " + role, s);
                        } else {
                            expect(breaches, name + " as " + role, s, Status.Code.PERMISSION_DENIED);
                        }
                    }
                } else {
                    passed(breaches, name + " without a token", call(channel, m, null));
                }
                checked++;
            }
        }
        if (!breaches.isEmpty()) {
            throw new AssertionError("access table breaches:\n  " + String.join("\n  ", breaches));
        }
        return checked;
    }

    private static void expect(List<String> breaches, String what, Status s, Status.Code code) {
        if (s.getCode() != code) {
            breaches.add(what + ": expected " + code + ", got " + s);
        }
    }

    private static void passed(List<String> breaches, String what, Status s) {
        String d = String.valueOf(s.getDescription());
        // A handler may refuse with PERMISSION_DENIED too (its own rule after the check, e.g. what a
        // service may ask of the registry): only the check's words make it the check's refusal.
        boolean refusedByCheck = (s.getCode() == Status.Code.PERMISSION_DENIED || s.getCode() == Status.Code.UNAUTHENTICATED)
                && (CHECK_WORDS.stream().anyMatch(d::contains) || d.contains("is not served here"));
        if (refusedByCheck) {
            breaches.add(what + ": stopped by the access check: " + s);
        }
    }

    /**
     * One call, made again once when the connection itself failed under it (the server's HTTP/2
     * layer answered the matrix's rapid stream of refused calls with GOAWAY, seen about once in
     * four runs of a whole matrix): that is the transport, not the access check under test, and the
     * second call is checked like the first.
     */
    private static Status call(Channel channel, MethodDescriptor<?, ?> m, CallCredentials credentials) {
        Status s = callOnce(channel, m, credentials);
        boolean transport = (s.getCode() == Status.Code.INTERNAL || s.getCode() == Status.Code.UNAVAILABLE)
                && String.valueOf(s.getDescription()).contains("GOAWAY");
        return transport ? callOnce(channel, m, credentials) : s;
    }

    /** One call with the empty request (none for client streams), until its status or first answer. */
    @SuppressWarnings({ "unchecked", "rawtypes" })
    private static Status callOnce(Channel channel, MethodDescriptor<?, ?> m, CallCredentials credentials) {
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS);
        if (credentials != null) {
            options = options.withCallCredentials(credentials);
        }
        ClientCall call = channel.newCall((MethodDescriptor) m, options);
        CompletableFuture<Status> done = new CompletableFuture<>();
        call.start(new ClientCall.Listener() {
            @Override
            public void onMessage(Object message) {
                done.complete(Status.OK); // an answer: the check let it through
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                done.complete(status);
            }
        }, new Metadata());
        call.request(1);
        if (!m.getType().clientSendsOneMessage()) {
            call.halfClose();
        } else {
            call.sendMessage(((MethodDescriptor.PrototypeMarshaller) m.getRequestMarshaller()).getMessagePrototype());
            call.halfClose();
        }
        try {
            return done.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            return Status.UNKNOWN.withDescription("no answer: " + e);
        } finally {
            call.cancel("checked", null);
        }
    }
}
