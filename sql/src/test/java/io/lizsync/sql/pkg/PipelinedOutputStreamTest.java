package io.lizsync.sql.pkg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PipelinedOutputStreamTest {

    @Test
    void everyByteArrivesInOrderAndTheTargetIsClosed() throws Exception {
        byte[] data = new byte[5_000_003];
        new Random(7).nextBytes(data);
        boolean[] closed = new boolean[1];
        ByteArrayOutputStream sink = new ByteArrayOutputStream() {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        Random sizes = new Random(11);
        try (var out = new PipelinedOutputStream(sink, 4096, 3)) {
            int i = 0;
            while (i < data.length) {
                if (sizes.nextInt(10) == 0) {
                    out.write(data[i++]);
                    continue;
                }
                int n = Math.min(data.length - i, sizes.nextInt(20_000));
                out.write(data, i, n);
                i += n;
            }
        }
        assertArrayEquals(data, sink.toByteArray());
        assertTrue(closed[0]);
    }

    @Test
    void aFailureOfTheTargetReachesTheWriter() {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("disk full");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("disk full");
            }
        };
        var e = assertThrows(IOException.class, () -> {
            try (var out = new PipelinedOutputStream(broken, 1024, 2)) {
                for (int i = 0; i < 100; i++) {
                    out.write(new byte[1000]);
                }
            }
        });
        assertEquals("disk full", e.getMessage());
    }
}
