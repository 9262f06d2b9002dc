package io.lizsync.sql.pkg;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Writes to {@code target} on a thread of its own, so that producing the bytes (COPY rows arriving
 * from PostgreSQL) and consuming them (deflating into the ZIP, hashing) run on two cores at once.
 * Bytes travel in a fixed pool of buffers: memory stays bounded whatever the amount written.
 * Closing it waits for everything to be written, then closes {@code target}; a failure of the
 * writing thread is thrown by the next write or by close.
 */
final class PipelinedOutputStream extends OutputStream {

    private record Chunk(byte[] data, int length) {
    }

    private static final Chunk END = new Chunk(new byte[0], 0);

    private final OutputStream target;
    private final BlockingQueue<Chunk> full;
    private final BlockingQueue<byte[]> free;
    private final Thread writer;
    private volatile IOException failure;
    private byte[] current;
    private int used;
    private boolean closed;

    PipelinedOutputStream(OutputStream target, int bufferSize, int buffers) {
        this.target = target;
        this.full = new ArrayBlockingQueue<>(buffers + 1);
        this.free = new ArrayBlockingQueue<>(buffers);
        for (int i = 1; i < buffers; i++) {
            free.add(new byte[bufferSize]);
        }
        this.current = new byte[bufferSize];
        this.writer = new Thread(this::drain, "package-entry-writer");
        writer.setDaemon(true);
        writer.start();
    }

    private void drain() {
        try {
            while (true) {
                Chunk c = full.take();
                if (c == END) {
                    return;
                }
                if (failure == null) {
                    try {
                        target.write(c.data(), 0, c.length());
                    } catch (IOException | RuntimeException e) {
                        failure = e instanceof IOException io ? io : new IOException(e);
                    }
                }
                free.put(c.data());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void write(int b) throws IOException {
        if (used == current.length) {
            handOver();
        }
        current[used++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (used == current.length) {
                handOver();
            }
            int n = Math.min(len, current.length - used);
            System.arraycopy(b, off, current, used, n);
            used += n;
            off += n;
            len -= n;
        }
    }

    private void handOver() throws IOException {
        check();
        try {
            full.put(new Chunk(current, used));
            current = free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing a package entry");
        }
        used = 0;
    }

    private void check() throws IOException {
        if (failure != null) {
            // A new exception each time: write and close may both report it.
            throw new IOException(failure.getMessage(), failure);
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (used > 0) {
                full.put(new Chunk(current, used));
            }
            full.put(END);
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            writer.interrupt();
            throw new InterruptedIOException("interrupted while finishing a package entry");
        }
        check();
        target.close();
    }
}
