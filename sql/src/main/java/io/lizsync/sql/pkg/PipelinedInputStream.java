package io.lizsync.sql.pkg;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads {@code source} ahead on a thread of its own (inflating and checking a package entry) while
 * the caller hands the bytes already read to PostgreSQL. A fixed pool of buffers bounds memory.
 * A failure of the source (corrupt data, a checksum or size mismatch at its end) is thrown by the
 * read that reaches it, never swallowed.
 */
final class PipelinedInputStream extends InputStream {

    private record Chunk(byte[] data, int length, IOException failure) {
    }

    private final InputStream source;
    private final BlockingQueue<Chunk> full;
    private final BlockingQueue<byte[]> free;
    private final Thread reader;
    private volatile boolean stop;
    private Chunk current;
    private int position;
    private boolean eof;

    PipelinedInputStream(InputStream source, int bufferSize, int buffers) {
        this.source = source;
        this.full = new ArrayBlockingQueue<>(buffers + 1);
        this.free = new ArrayBlockingQueue<>(buffers);
        for (int i = 0; i < buffers; i++) {
            free.add(new byte[bufferSize]);
        }
        this.reader = new Thread(this::fill, "package-entry-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void fill() {
        try {
            while (!stop) {
                byte[] buf = free.take();
                int n = 0;
                IOException failure = null;
                try {
                    while (n < buf.length) {
                        int r = source.read(buf, n, buf.length - n);
                        if (r < 0) {
                            break;
                        }
                        n += r;
                    }
                } catch (IOException e) {
                    failure = e;
                } catch (RuntimeException e) {
                    failure = new IOException(e);
                }
                boolean last = failure != null || n < buf.length;
                full.put(new Chunk(buf, n, failure));
                if (last) {
                    if (failure == null) {
                        full.put(new Chunk(null, -1, null));
                    }
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean next() throws IOException {
        if (current != null && current.data() != null) {
            free.offer(current.data());
        }
        try {
            current = full.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading a package entry");
        }
        position = 0;
        if (current.failure() != null) {
            eof = true;
            throw current.failure();
        }
        if (current.length() < 0) {
            eof = true;
            return false;
        }
        return true;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (!eof && (current == null || position >= current.length())) {
            if (!next()) {
                return -1;
            }
        }
        if (eof) {
            return -1;
        }
        int n = Math.min(len, current.length() - position);
        System.arraycopy(current.data(), position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        stop = true;
        reader.interrupt();
        source.close();
    }
}
