package io.lizsync.packaging.grpc;

import io.lizsync.grpckit.FlowControlledSender;

import com.google.protobuf.UnsafeByteOperations;
import io.lizsync.packaging.service.PackageService.Download;
import io.lizsync.proto.packaging.v1.PackageChunk;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * The chunks of one archive download, read from disk one at a time (never the whole archive in
 * memory). The first chunk carries the total size and SHA-256; the last one {@code last = true}.
 * An offset equal to the size gives one empty last chunk.
 */
final class ArchiveChunks implements FlowControlledSender.Source<PackageChunk> {

    private final Download download;
    private final FileChannel channel;
    private long position;
    private boolean first = true;
    private boolean done;

    ArchiveChunks(Download download) throws IOException {
        this.download = download;
        this.channel = FileChannel.open(download.archive(), StandardOpenOption.READ);
        this.position = download.offset();
    }

    @Override
    public PackageChunk next() throws IOException {
        if (done) {
            return null;
        }
        long remaining = download.totalSize() - position;
        int length = (int) Math.min(download.chunkSize(), remaining);
        byte[] bytes = new byte[length];
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new EOFException("package " + download.id() + ": archive shorter than " + download.totalSize()
                        + " bytes (changed during the download)");
            }
        }
        PackageChunk.Builder chunk = PackageChunk.newBuilder()
                .setOffset(position)
                .setData(UnsafeByteOperations.unsafeWrap(bytes)); // the array is never reused
        if (first) {
            chunk.setTotalSize(download.totalSize()).setSha256(download.sha256());
            first = false;
        }
        position += length;
        if (position >= download.totalSize()) {
            chunk.setLast(true);
            done = true;
        }
        return chunk.build();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
