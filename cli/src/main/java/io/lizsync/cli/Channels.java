package io.lizsync.cli;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.lizsync.grpckit.MessageSizeErrors;

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

    /** A plaintext channel to {@code HOST:PORT} (checked; IPv6 in brackets). */
    static ManagedChannel open(String hostPort) {
        return open(hostPort, null);
    }

    /** Like {@link #open(String)}, every call through {@code interceptor} (the access token) when not null. */
    static ManagedChannel open(String hostPort, io.grpc.ClientInterceptor interceptor) {
        CliConfig.checkHostPort(hostPort);
        int colon = hostPort.lastIndexOf(':');
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        var builder = ManagedChannelBuilder.forAddress(host, Integer.parseInt(hostPort.substring(colon + 1)))
                .usePlaintext()
                .maxInboundMessageSize(MAX_MESSAGE_BYTES);
        if (interceptor != null) {
            builder.intercept(interceptor);
        }
        return builder.build();
    }

    /**
     * {@code e} explained when it refuses a message for its size, else {@code e}.
     *
     * @param service the address key: central, packaging or sidecar
     */
    static StatusRuntimeException explain(StatusRuntimeException e, String service, String target, String command) {
        MessageSizeErrors.Call call = switch (service) {
            case "packaging" -> MessageSizeErrors.Call.to("packaging-service at " + target, "lizsync " + command)
                    .peerLimit("lizsync.packaging.max-message-bytes (LIZSYNC_PACKAGING_MAX_MESSAGE_BYTES)")
                    .peerSends("chunks and pages of at most 1 MiB (lizsync.packaging.max-chunk-bytes)");
            case "sidecar" -> MessageSizeErrors.Call.to("the clone sidecar at " + target, "lizsync " + command)
                    .peerLimit("lizsync.sync.max-message-bytes (LIZSYNC_SYNC_MAX_MESSAGE_BYTES)");
            default -> MessageSizeErrors.Call.to("central sync-service at " + target, "lizsync " + command)
                    .peerLimit("lizsync.sync.max-message-bytes (LIZSYNC_SYNC_MAX_MESSAGE_BYTES)");
        };
        return call.accepting(MAX_MESSAGE_BYTES, null).explain(e);
    }
}
