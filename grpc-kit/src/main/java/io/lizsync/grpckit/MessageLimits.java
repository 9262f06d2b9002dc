package io.lizsync.grpckit;

/**
 * The byte sizes of gRPC messages in the mesh, in one place. Every receiver has an inbound limit
 * (a whole message is buffered before it is decoded, so the limit is also the memory one message
 * may take); every sender keeps each message well below the limits of its receivers by chunking
 * by bytes, never by a count.
 *
 * <ul>
 * <li>Chunks of streamed bytes (package archives, media files) carry at most
 * {@link #MAX_CHUNK_BYTES} (1 MiB) of data by default, configurable per service up to
 * {@link #CHUNK_CEILING}, so that even a client that sets no limit (grpc-java: 4 MiB) takes them.
 * <li>Services accept messages of up to {@link #DEFAULT_MAX_MESSAGE_BYTES} (8 MiB) by default:
 * eight chunks' worth, room for the largest request (a package's 1 MiB of additional SQL and its
 * table list), and small enough that a few messages in flight stay a few MiB on a field server.
 * sync-service raises it deliberately (16 MiB) for the rows of the exchange.
 * </ul>
 *
 * <p>Each service sets its own limit in its typed configuration ({@code lizsync.<service>.max-message-bytes})
 * and passes it to {@code quarkus.grpc.server.max-inbound-message-size} and to its client channels.
 */
public final class MessageLimits {

    /** grpc-java's inbound limit when a channel sets none: 4 MiB. */
    public static final int GRPC_JAVA_DEFAULT = 4 * 1024 * 1024;

    /**
     * Inbound limit of the Vert.x gRPC server (gRPC on the HTTP port) when
     * {@code quarkus.grpc.server.max-inbound-message-size} is not set: 256 KiB.
     */
    public static final int VERTX_SERVER_DEFAULT = 256 * 1024;

    /** Default data bytes of one chunk when the client asks for none (the contracts: 256 KiB). */
    public static final int DEFAULT_CHUNK_BYTES = 256 * 1024;

    /** Largest data bytes of one chunk by default: 1 MiB. */
    public static final int MAX_CHUNK_BYTES = 1024 * 1024;

    /**
     * Room kept in a chunk message for everything but its data: offset, size, SHA-256, the first
     * chunk's metadata (a media path may take 4 KiB) and the framing.
     */
    public static final int CHUNK_OVERHEAD = 64 * 1024;

    /** Highest configurable chunk: with its overhead it still fits grpc-java's default limit. */
    public static final int CHUNK_CEILING = GRPC_JAVA_DEFAULT - CHUNK_OVERHEAD;

    /**
     * Entries of one page of a listing: at most this many bytes (and always at least one entry),
     * whatever the page size asked for, so that a page of large entries still fits every limit.
     */
    public static final int MAX_PAGE_BYTES = 1024 * 1024;

    /** Default inbound limit of services and their client channels: 8 MiB. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

    private MessageLimits() {
    }

    /**
     * The data bytes per chunk of one download: what the client asked for ({@code 0}: the default),
     * at most the service's configured maximum, never above {@link #CHUNK_CEILING}.
     *
     * @throws IllegalArgumentException for a negative request
     */
    public static int chunkBytes(int requested, int configuredMax) {
        if (requested < 0) {
            throw new IllegalArgumentException("chunk_size must not be negative");
        }
        int max = Math.max(1, Math.min(configuredMax, CHUNK_CEILING));
        return Math.min(requested == 0 ? DEFAULT_CHUNK_BYTES : requested, max);
    }

    /** A byte count for people: {@code 5242880 bytes (5.0 MiB)}. */
    public static String bytes(long n) {
        if (n < 1024) {
            return n + " bytes";
        }
        if (n < 1024 * 1024) {
            return String.format(java.util.Locale.ROOT, "%d bytes (%.1f KiB)", n, n / 1024.0);
        }
        return String.format(java.util.Locale.ROOT, "%d bytes (%.1f MiB)", n, n / (1024.0 * 1024));
    }
}
