package io.lizsync.cli;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.lizsync.grpckit.MessageSizeErrors;
import io.lizsync.grpckit.tls.LinkSecurity;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The CLI's gRPC channels and what their message sizes mean. The CLI takes messages of up to
 * {@link #MAX_MESSAGE_BYTES}: the highest limit of any service (sync-service, 16 MiB), so that
 * whatever a service may send arrives; the services bound theirs by bytes (chunks and pages of at
 * most 1 MiB). A refused message is explained (grpc-kit {@link MessageSizeErrors}): which command,
 * which service, which side refused, the size and limit, and what to raise or who has a bug.
 */
final class Channels {

    /** Inbound limit of every CLI channel (fixed: a larger message is a bug of its sender). */
    static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    private Channels() {
    }

    /** A channel to {@code HOST:PORT} (checked; IPv6 in brackets), secured as the environment says. */
    static ManagedChannel open(String hostPort) {
        return open(hostPort, null, security(Map.of()));
    }

    /**
     * How the CLI's links are secured (grpc-kit LinkSecurity): TLS to any service beyond loopback,
     * verified against {@code $LIZSYNC_CA_FILE} (the CA of the mesh's certificates) or the JVM's
     * trust store; TLS on loopback too when a CA file is given; plain text beyond loopback only
     * with {@code LIZSYNC_INSECURE_PLAINTEXT=true} (test benches).
     */
    static LinkSecurity security(Map<String, String> env) {
        String ca = env.getOrDefault("LIZSYNC_CA_FILE", "");
        return new LinkSecurity(ca.isBlank() ? Optional.empty() : Optional.of(Path.of(ca.strip())),
                Boolean.parseBoolean(env.getOrDefault("LIZSYNC_INSECURE_PLAINTEXT", "false")));
    }

    /** A channel to {@code HOST:PORT}, every call through {@code interceptor} (the access token) when not null. */
    static ManagedChannel open(String hostPort, io.grpc.ClientInterceptor interceptor, LinkSecurity security) {
        CliConfig.checkHostPort(hostPort);
        int colon = hostPort.lastIndexOf(':');
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        var builder = Grpc.newChannelBuilderForAddress(host, Integer.parseInt(hostPort.substring(colon + 1)),
                security.credentials(host, hostPort + " (LIZSYNC_CA_FILE)"))
                .maxInboundMessageSize(MAX_MESSAGE_BYTES);
        if (interceptor != null) {
            builder.intercept(interceptor);
        }
        return builder.build();
    }

    /**
     * {@code e} explained when it refuses a message for its size, else {@code e}.
     *
     * @param service the address key: central, packaging, sidecar or registry
     */
    static StatusRuntimeException explain(StatusRuntimeException e, String service, String target, String command) {
        MessageSizeErrors.Call call = switch (service) {
            case "packaging" -> MessageSizeErrors.Call.to("packaging-service at " + target, "lizsync " + command)
                    .peerLimit("lizsync.packaging.max-message-bytes (LIZSYNC_PACKAGING_MAX_MESSAGE_BYTES)")
                    .peerSends("chunks and pages of at most 1 MiB (lizsync.packaging.max-chunk-bytes)");
            case "registry" -> MessageSizeErrors.Call.to("registry-service at " + target, "lizsync " + command)
                    .peerLimit("lizsync.registry.max-message-bytes (LIZSYNC_REGISTRY_MAX_MESSAGE_BYTES)");
            case "sidecar" -> MessageSizeErrors.Call.to("the clone sidecar at " + target, "lizsync " + command)
                    .peerLimit("lizsync.sync.max-message-bytes (LIZSYNC_SYNC_MAX_MESSAGE_BYTES)");
            default -> MessageSizeErrors.Call.to("central sync-service at " + target, "lizsync " + command)
                    .peerLimit("lizsync.sync.max-message-bytes (LIZSYNC_SYNC_MAX_MESSAGE_BYTES)");
        };
        return call.accepting(MAX_MESSAGE_BYTES, null).explain(e);
    }
}
