package io.lizsync.grpckit.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.lizsync.grpckit.TestMethods;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The access table's checks at build time, and the interceptor in front of a real grpc-java server on loopback. */
class AccessPolicyAndInterceptorTest {

    static final String SERVICE = "test.Guarded";
    static final MethodDescriptor<BytesValue, BytesValue> OPEN = method(SERVICE, "Open");
    static final MethodDescriptor<BytesValue, BytesValue> ADMIN = method(SERVICE, "Admin");
    static final MethodDescriptor<BytesValue, BytesValue> FIELD = method(SERVICE, "Field");
    static final MethodDescriptor<BytesValue, BytesValue> CLONE = method(SERVICE, "Clone");
    static final MethodDescriptor<BytesValue, BytesValue> UNLISTED = method("test.Other", "Thing");
    static final ServiceDescriptor GUARDED = new ServiceDescriptor(SERVICE, OPEN, ADMIN, FIELD, CLONE);

    @TempDir
    static Path dir;
    static Server server;
    static ManagedChannel channel;
    static AccessTokens.Signer signer;
    static AccessTokens.Signer stranger;
    static LocalToken local;

    static AccessPolicy policy() {
        return AccessPolicy.builder().services(GUARDED)
                .anyone(OPEN)
                .roles(ADMIN, Roles.ADMINISTRATOR)
                .roles(FIELD, Roles.FIELD, Roles.OPERATOR, LocalToken.ROLE)
                .cloneCredential(CLONE)
                .build();
    }

    @BeforeAll
    static void start() throws IOException {
        KeyPair pair = KeyFiles.generate(dir.resolve("a.key"), dir.resolve("a.pub"));
        KeyPair other = KeyFiles.generate(dir.resolve("b.key"), dir.resolve("b.pub"));
        signer = new AccessTokens.Signer((ECPrivateKey) pair.getPrivate(), Clock.systemUTC());
        stranger = new AccessTokens.Signer((ECPrivateKey) other.getPrivate(), Clock.systemUTC());
        local = LocalToken.createOrLoad(dir.resolve("state").resolve("local-token"));
        var interceptor = new AccessInterceptor(policy(),
                new AccessTokens.Verifier((ECPublicKey) pair.getPublic(), Clock.systemUTC())) {
            @Override
            protected Caller localCaller(String token) {
                return local.callerFor(token);
            }
        };
        ServerServiceDefinition.Builder guarded = ServerServiceDefinition.builder(GUARDED);
        for (var m : GUARDED.getMethods()) {
            @SuppressWarnings("unchecked")
            var typed = (MethodDescriptor<BytesValue, BytesValue>) m;
            guarded.addMethod(typed, ServerCalls.asyncUnaryCall((request, response) -> {
                Caller c = Caller.current();
                response.onNext(bytes(c == null ? "-" : c.login()));
                response.onCompleted();
            }));
        }
        ServerServiceDefinition other2 = ServerServiceDefinition.builder("test.Other")
                .addMethod(UNLISTED, ServerCalls.asyncUnaryCall((request, response) -> {
                    response.onNext(bytes("ran"));
                    response.onCompleted();
                })).build();
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(guarded.build(), interceptor))
                .addService(ServerInterceptors.intercept(other2, interceptor))
                .build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void aTableThatLeavesOutAnRpcOrNamesAStrangerDoesNotBuild() {
        var missing = assertThrows(IllegalStateException.class, () -> AccessPolicy.builder().services(GUARDED)
                .anyone(OPEN).roles(ADMIN, Roles.ADMINISTRATOR).cloneCredential(CLONE).build());
        assertTrue(missing.getMessage().contains("test.Guarded/Field"), missing.getMessage());
        var stray = assertThrows(IllegalStateException.class, () -> AccessPolicy.builder().services(GUARDED)
                .anyone(OPEN).roles(ADMIN, Roles.ADMINISTRATOR).roles(FIELD, Roles.FIELD).cloneCredential(CLONE)
                .anyone(UNLISTED).build());
        assertTrue(stray.getMessage().contains("test.Other/Thing"), stray.getMessage());
        assertThrows(IllegalStateException.class, () -> AccessPolicy.builder().anyone(OPEN).roles(OPEN, Roles.FIELD));
        assertThrows(IllegalArgumentException.class, () -> AccessPolicy.builder().roles(OPEN, "superuser"));
        assertEquals(4, policy().rules().size());
        AccessPolicy narrowed = policy().servingOnly(Set.of("test.Other"), "this port serves test.Other only");
        assertEquals(new AccessRule.NotServed("this port serves test.Other only"), narrowed.ruleFor(ADMIN.getFullMethodName()).orElseThrow());
        assertEquals(4, narrowed.rules().size(), "every method still named");
    }

    @Test
    void noTokenIsUnauthenticatedWrongRoleIsDeniedRightRoleRuns() {
        assertEquals(Status.Code.UNAUTHENTICATED, code(ADMIN, null));
        assertEquals(Status.Code.UNAUTHENTICATED, code(ADMIN, "garbage"));
        String field = signer.sign("u-2", "fiona", Set.of(Roles.FIELD), Duration.ofMinutes(5));
        String admin = signer.sign("u-1", "ada", Set.of(Roles.ADMINISTRATOR), Duration.ofMinutes(5));
        var denied = assertThrows(StatusRuntimeException.class, () -> call(ADMIN, field));
        assertEquals(Status.Code.PERMISSION_DENIED, denied.getStatus().getCode());
        assertTrue(denied.getStatus().getDescription().contains("administrator"), denied.getStatus().getDescription());
        assertEquals("ada", call(ADMIN, admin));
        assertEquals("fiona", call(FIELD, field));
        assertEquals("fiona", call(FIELD, field)); // from the cache of verified tokens
        assertEquals(Status.Code.PERMISSION_DENIED, code(FIELD, admin));
        String foreign = stranger.sign("u-1", "ada", Set.of(Roles.ADMINISTRATOR), Duration.ofMinutes(5));
        assertEquals(Status.Code.UNAUTHENTICATED, code(ADMIN, foreign));
        String expired = signer.sign("u-1", "ada", Set.of(Roles.ADMINISTRATOR), Duration.ofMinutes(-5));
        assertEquals(Status.Code.UNAUTHENTICATED, code(ADMIN, expired));
    }

    @Test
    void openAndCloneCredentialCallsReachTheirHandlerAndAnUnlistedMethodIsRefused() {
        assertEquals("-", call(OPEN, null));
        assertEquals("-", call(CLONE, "a-clone-credential")); // the handler checks it, no caller is made up
        var refused = assertThrows(StatusRuntimeException.class, () -> call(UNLISTED, null));
        assertEquals(Status.Code.PERMISSION_DENIED, refused.getStatus().getCode());
        String admin = signer.sign("u-1", "ada", Set.of(Roles.ADMINISTRATOR), Duration.ofMinutes(5));
        assertEquals(Status.Code.PERMISSION_DENIED, code(UNLISTED, admin));
    }

    @Test
    void theLocalTokenReachesWhatNamesTheLocalRoleOnlyAndNoAccessTokenMayClaimThatRole() throws IOException {
        String secret = java.nio.file.Files.readString(local.file()).strip();
        assertEquals(LocalToken.LOGIN, call(FIELD, secret));
        var denied = assertThrows(StatusRuntimeException.class, () -> call(ADMIN, secret));
        assertEquals(Status.Code.PERMISSION_DENIED, denied.getStatus().getCode());
        assertTrue(denied.getStatus().getDescription().contains(LocalToken.LOGIN), denied.getStatus().getDescription());
        assertEquals(Status.Code.UNAUTHENTICATED, code(FIELD, secret + "x"));
        String claiming = signer.sign("u-9", "mallory", Set.of(LocalToken.ROLE), Duration.ofMinutes(5));
        var refused = assertThrows(StatusRuntimeException.class, () -> call(FIELD, claiming));
        assertEquals(Status.Code.UNAUTHENTICATED, refused.getStatus().getCode());
        assertTrue(refused.getStatus().getDescription().contains("may not claim"), refused.getStatus().getDescription());
    }

    private static Status.Code code(MethodDescriptor<BytesValue, BytesValue> m, String token) {
        return assertThrows(StatusRuntimeException.class, () -> call(m, token)).getStatus().getCode();
    }

    private static String call(MethodDescriptor<BytesValue, BytesValue> m, String token) {
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS);
        if (token != null) {
            options = options.withCallCredentials(BearerCredentials.of(token));
        }
        return ClientCalls.blockingUnaryCall(channel, m, options, bytes("x")).getValue().toStringUtf8();
    }

    static BytesValue bytes(String s) {
        return BytesValue.newBuilder().setValue(ByteString.copyFromUtf8(s)).build();
    }

    static MethodDescriptor<BytesValue, BytesValue> method(String service, String name) {
        return TestMethods.bytes(service, name, MethodDescriptor.MethodType.UNARY);
    }
}
