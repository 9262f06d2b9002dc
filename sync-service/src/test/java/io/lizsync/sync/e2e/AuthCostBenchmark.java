package io.lizsync.sync.e2e;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.lizsync.grpckit.auth.AccessInterceptor;
import io.lizsync.grpckit.auth.AccessPolicy;
import io.lizsync.grpckit.auth.AccessTokens;
import io.lizsync.grpckit.auth.BearerCredentials;
import io.lizsync.grpckit.auth.KeyFiles;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.sync.central.exchange.service.Credentials;
import io.lizsync.testkit.TestKeys;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * What checking the caller costs a call (issue 5/12's figure; not a test: run by
 * {@code scripts/bench.sh auth}): a real grpc-java server on loopback behind the same
 * {@link AccessInterceptor} every service uses, a handler that does nothing, and the p50 of
 * thousands of calls over one connection: open (no check), with an access token already seen
 * (a map lookup), with a new token each call (an ES256 signature check). The difference to the
 * open call is the check's cost. The exchange's own check (hello: the SHA-256 of the clone's
 * secret against the stored hash, read in hello's one transaction) is timed in process.
 * Results: stdout and target/bench/auth-bench.txt.
 */
class AuthCostBenchmark {

    static MethodDescriptor<byte[], byte[]> method(String name) {
        return MethodDescriptor.<byte[], byte[]>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName("bench.Auth/" + name).setRequestMarshaller(GrpcRelay.RAW).setResponseMarshaller(GrpcRelay.RAW).build();
    }

    static final MethodDescriptor<byte[], byte[]> OPEN = method("Open");
    static final MethodDescriptor<byte[], byte[]> GUARDED = method("Guarded");

    @Test
    void run() throws Exception {
        int calls = Integer.getInteger("bench.calls", 5000);
        TestKeys keys = TestKeys.get();
        ServiceDescriptor descriptor = new ServiceDescriptor("bench.Auth", OPEN, GUARDED);
        AccessPolicy policy = AccessPolicy.builder().services(descriptor).anyone(OPEN)
                .roles(GUARDED, Roles.ADMINISTRATOR, Roles.OPERATOR).build();
        var interceptor = new AccessInterceptor(policy, new AccessTokens.Verifier(
                (ECPublicKey) KeyFiles.readPublic(keys.publicKeyFile()), Clock.systemUTC()));
        ServerServiceDefinition.Builder service = ServerServiceDefinition.builder(descriptor);
        for (var m : List.of(OPEN, GUARDED)) {
            service.addMethod(m, ServerCalls.asyncUnaryCall((request, response) -> {
                response.onNext(request);
                response.onCompleted();
            }));
        }
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(service.build(), interceptor)).build().start();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        Map<String, String> results = new LinkedHashMap<>();
        try {
            String token = keys.token("bench-operator", Roles.OPERATOR);
            byte[] body = new byte[16];
            // Warm-up of every path (JIT), then the measured rounds, interleaved so that load changes hit all three.
            List<String> fresh = new ArrayList<>();
            for (int i = 0; i < 3 * calls; i++) {
                fresh.add(keys.token("bench-" + i, Roles.OPERATOR));
            }
            int[] next = {0};
            Supplier<CallOptions> none = () -> CallOptions.DEFAULT;
            Supplier<CallOptions> known = () -> CallOptions.DEFAULT.withCallCredentials(BearerCredentials.of(token));
            Supplier<CallOptions> unseen = () -> CallOptions.DEFAULT.withCallCredentials(
                    BearerCredentials.of(fresh.get(next[0]++)));
            for (int i = 0; i < calls; i++) {
                call(channel, OPEN, none, body);
                call(channel, GUARDED, known, body);
                call(channel, GUARDED, unseen, body);
            }
            List<Long> open = new ArrayList<>();
            List<Long> cached = new ArrayList<>();
            List<Long> verified = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                open.add(call(channel, OPEN, none, body));
                cached.add(call(channel, GUARDED, known, body));
                verified.add(call(channel, GUARDED, unseen, body));
            }
            long p50Open = p50(open);
            long p50Cached = p50(cached);
            long p50Verified = p50(verified);
            results.put("calls per kind", Integer.toString(calls));
            results.put("open call (no check), p50", us(p50Open));
            results.put("token already seen (cache lookup), p50", us(p50Cached) + " (+" + us(p50Cached - p50Open) + ")");
            results.put("new token each call (ES256 check), p50", us(p50Verified) + " (+" + us(p50Verified - p50Open) + ")");

            // hello's credential check: SHA-256 of the presented secret against the stored hash
            String secret = Credentials.newSecret();
            String stored = Credentials.hash(secret);
            List<Long> hello = new ArrayList<>();
            for (int i = 0; i < 20 * calls; i++) {
                long t = System.nanoTime();
                if (!Credentials.matches(secret, stored)) {
                    throw new IllegalStateException("the credential does not match its own hash");
                }
                if (i >= 10 * calls) {
                    hello.add(System.nanoTime() - t);
                }
            }
            results.put("hello: clone credential check in process, p50", us(p50(hello))
                    + " (the stored hash comes with hello's one transaction: no extra round trip)");
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        StringBuilder out = new StringBuilder("LizSync access check cost (one JVM, loopback, one connection)\n");
        results.forEach((k, v) -> out.append(String.format("  %-48s %s%n", k, v)));
        System.out.print(out);
        Path file = Path.of("target", "bench", "auth-bench.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, out);
    }

    private static long call(ManagedChannel channel, MethodDescriptor<byte[], byte[]> m, Supplier<CallOptions> options,
            byte[] body) {
        long t = System.nanoTime();
        ClientCalls.blockingUnaryCall(channel, m, options.get().withDeadlineAfter(10, TimeUnit.SECONDS), body);
        return System.nanoTime() - t;
    }

    private static long p50(List<Long> samples) {
        List<Long> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static String us(long nanos) {
        return String.format("%.1f us", nanos / 1e3);
    }
}
