package io.lizsync.grpckit;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the bare refusal of a too-large gRPC message into an error that says what was too large
 * and what to do. The one place where clients of the mesh explain these refusals: the CLI, the
 * sidecar's calls to packaging-service, the gateway.
 *
 * <p>Two refusals look alike, both {@code RESOURCE_EXHAUSTED}:
 * <ul>
 * <li><b>this side refused</b> a message the peer sent, larger than the channel's inbound limit:
 * grpc-java says {@code gRPC message exceeds maximum size LIMIT: SIZE} (grpc-go
 * {@code grpc: received message larger than max (SIZE vs. LIMIT)}), and LIMIT is this channel's;
 * <li><b>the peer refused</b> a message this side sent: a Vert.x gRPC server (every service here)
 * answers the bare status without a description, a grpc-java server the text above with its own
 * limit.
 * </ul>
 * Any other {@code RESOURCE_EXHAUSTED} (a service's own rule, e.g. an upload over its size limit)
 * and every other status is returned unchanged, and so is an error explained already.
 */
public final class MessageSizeErrors {

    /** Start of every explanation (so that an explained error is never explained again). */
    public static final String PREFIX = "message too large: ";

    private static final Pattern GRPC_JAVA = Pattern.compile("gRPC message exceeds maximum size (\\d+)(?:: (\\d+))?");
    private static final Pattern GRPC_GO = Pattern.compile("received message larger than max \\((\\d+) vs\\. (\\d+)\\)");

    private MessageSizeErrors() {
    }

    /**
     * What a client knows about its calls to one peer, to explain a refusal: what the peer is, this
     * channel's inbound limit and the setting that raises it, the peer's setting, what bounds the
     * peer's messages.
     */
    public static final class Call {
        private final String peer;
        private final String call;
        private final long inboundLimit;
        private final String inboundSetting;
        private final String peerSetting;
        private final String peerSends;

        private Call(String peer, String call, long inboundLimit, String inboundSetting, String peerSetting,
                String peerSends) {
            this.peer = peer;
            this.call = call;
            this.inboundLimit = inboundLimit;
            this.inboundSetting = inboundSetting;
            this.peerSetting = peerSetting;
            this.peerSends = peerSends;
        }

        /** A call ({@code "DownloadPackage"}, {@code "lizsync deploy"}) to a peer ({@code "packaging-service at host:port"}). */
        public static Call to(String peer, String call) {
            return new Call(peer, call, -1, null, null, null);
        }

        /** This channel's inbound limit and how to raise it (a setting), or null when it is fixed. */
        public Call accepting(long limit, String setting) {
            return new Call(peer, call, limit, setting, peerSetting, peerSends);
        }

        /** The setting that raises the peer's inbound limit. */
        public Call peerLimit(String setting) {
            return new Call(peer, call, inboundLimit, inboundSetting, setting, peerSends);
        }

        /** What bounds the messages the peer sends (its chunk size...), when something does. */
        public Call peerSends(String bound) {
            return new Call(peer, call, inboundLimit, inboundSetting, peerSetting, bound);
        }

        /** {@link MessageSizeErrors#explain(StatusRuntimeException, Call, long)} with an unknown sent size. */
        public StatusRuntimeException explain(StatusRuntimeException e) {
            return MessageSizeErrors.explain(e, this, -1);
        }

        /** {@link MessageSizeErrors#explain(StatusRuntimeException, Call, long)}. */
        public StatusRuntimeException explain(StatusRuntimeException e, long largestSent) {
            return MessageSizeErrors.explain(e, this, largestSent);
        }
    }

    /** True when the status is a refusal of a message for its size (explained or not). */
    public static boolean isSizeRefusal(Status status) {
        if (status.getCode() != Status.Code.RESOURCE_EXHAUSTED) {
            return false;
        }
        String d = status.getDescription();
        return d == null || d.isBlank() || d.startsWith(PREFIX) || GRPC_JAVA.matcher(d).find() || GRPC_GO.matcher(d).find();
    }

    /**
     * The refusal explained, or {@code e} itself when it is no size refusal (or explained already).
     * The code stays {@code RESOURCE_EXHAUSTED}, the original is the cause.
     *
     * @param largestSent size of the largest message this side sent on the call, -1 when unknown
     */
    public static StatusRuntimeException explain(StatusRuntimeException e, Call call, long largestSent) {
        Status status = e.getStatus();
        if (!isSizeRefusal(status) || status.getDescription() != null && status.getDescription().startsWith(PREFIX)) {
            return e;
        }
        String d = status.getDescription() == null ? "" : status.getDescription();
        long limit = -1;
        long size = -1;
        Matcher m = GRPC_JAVA.matcher(d);
        Matcher go = GRPC_GO.matcher(d);
        if (m.find()) {
            limit = Long.parseLong(m.group(1));
            size = m.group(2) == null ? -1 : Long.parseLong(m.group(2));
        } else if (go.find()) {
            size = Long.parseLong(go.group(1));
            limit = Long.parseLong(go.group(2));
        }
        boolean here = limit >= 0 && limit == call.inboundLimit;
        String text = here ? refusedHere(call, limit, size) : refusedThere(call, limit, largestSent);
        return Status.RESOURCE_EXHAUSTED.withDescription(text).withCause(e).asRuntimeException(e.getTrailers());
    }

    private static String refusedHere(Call call, long limit, long size) {
        StringBuilder sb = new StringBuilder(PREFIX).append(call.call).append(": ").append(call.peer).append(" sent a message ")
                .append(size >= 0 ? "of " + MessageLimits.bytes(size) : "(decompressed)")
                .append(", more than the ").append(MessageLimits.bytes(limit)).append(" this side accepts. ");
        if (call.peerSends != null) {
            sb.append(call.peer).append(" sends ").append(call.peerSends)
                    .append(", so this is a bug of the sender, or that setting is above this side's limit");
            sb.append(call.inboundSetting != null ? "; to take such messages anyway, raise " + call.inboundSetting
                    + " on this side" : "").append('.');
        } else if (call.inboundSetting != null) {
            sb.append("Raise ").append(call.inboundSetting).append(" on this side above ")
                    .append(size >= 0 ? MessageLimits.bytes(size) : "that size")
                    .append(", or make ").append(call.peer).append(" send smaller messages.");
        } else {
            sb.append("This side's limit is fixed: ").append(call.peer)
                    .append(" must send smaller messages (a bug of the sender).");
        }
        return sb.toString();
    }

    private static String refusedThere(Call call, long limit, long sent) {
        StringBuilder sb = new StringBuilder(PREFIX).append(call.call).append(": ").append(call.peer)
                .append(" refused a message ").append(sent >= 0 ? "of " + MessageLimits.bytes(sent) + " " : "")
                .append("sent to it as larger than it accepts (")
                .append(limit >= 0 ? MessageLimits.bytes(limit) : "its quarkus.grpc.server.max-inbound-message-size; "
                        + MessageLimits.bytes(MessageLimits.VERTX_SERVER_DEFAULT) + " when that is not set")
                .append("). ");
        sb.append(call.peerSetting != null ? "Raise " + call.peerSetting + " on " + call.peer
                : "Raise the inbound message limit of " + call.peer)
                .append(", or send less in one message (this side should have split it: a bug of the sender).");
        return sb.toString();
    }
}
