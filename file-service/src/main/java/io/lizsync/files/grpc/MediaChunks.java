package io.lizsync.files.grpc;

import io.lizsync.grpckit.FlowControlledSender;

import com.google.protobuf.UnsafeByteOperations;
import io.lizsync.files.service.MediaService.Download;
import io.lizsync.proto.files.v1.MediaChunk;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * The chunks of one media download, read from disk one at a time. The first chunk carries the
 * file's metadata; the last one {@code last = true}. An offset equal to the size gives one empty
 * last chunk.
 */
final class MediaChunks implements FlowControlledSender.Source<MediaChunk> {

    private final Download download;
    private final long size;
    private final FileChannel channel;
    private long position;
    private boolean first = true;
    private boolean done;

    MediaChunks(Download download) throws IOException {
        this.download = download;
        this.size = download.info().getSizeBytes();
        this.channel = FileChannel.open(download.file(), StandardOpenOption.READ);
        this.position = download.offset();
    }

    @Override
    public MediaChunk next() throws IOException {
        if (done) {
            return null;
        }
        int length = (int) Math.min(download.chunkSize(), size - position);
        byte[] bytes = new byte[length];
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new EOFException(download.info().getPath() + ": file shorter than " + size
                        + " bytes (changed during the download)");
            }
        }
        MediaChunk.Builder chunk = MediaChunk.newBuilder()
                .setOffset(position)
                .setData(UnsafeByteOperations.unsafeWrap(bytes)); // the array is never reused
        if (first) {
            chunk.setInfo(download.info());
            first = false;
        }
        position += length;
        if (position >= size) {
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
