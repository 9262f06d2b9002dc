package io.lizsync.gateway.rest.packages;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.lizsync.grpckit.StreamReader;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.function.Function;

/**
 * The bytes of a streamed download (a package archive, a document's file) copied to the REST
 * caller: at most {@code length} bytes, a few chunks ahead at most (the reader's), stopping once
 * written or when the caller goes away. Once the headers are gone a failure can only cut the body
 * short: the caller resumes with Range.
 */
public final class ChunkCopy {

    private ChunkCopy() {
    }

    /** @param what the resource, for the messages ("archive", "file"); @param peer the service sending it */
    public static <T> void copy(StreamReader<?, T> reader, Function<T, ByteString> data, long length, OutputStream out,
            String peer, String what) throws IOException {
        long remaining = length;
        try {
            T chunk;
            while (remaining > 0 && (chunk = reader.next()) != null) {
                ByteString bytes = data.apply(chunk);
                int n = (int) Math.min(remaining, bytes.size());
                bytes.substring(0, n).writeTo(out);
                remaining -= n;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("download interrupted");
        } catch (StatusRuntimeException e) {
            throw new IOException(peer + " stopped the download: " + e.getStatus().getCode(), e);
        }
        if (remaining > 0) {
            throw new IOException(peer + " ended the " + what + " " + remaining + " bytes early");
        }
    }
}
