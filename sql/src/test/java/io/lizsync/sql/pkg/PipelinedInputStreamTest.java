package io.lizsync.sql.pkg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PipelinedInputStreamTest {

    @Test
    void readsEverythingInOrder() throws Exception {
        byte[] data = new byte[3_000_017];
        new Random(3).nextBytes(data);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try (var in = new PipelinedInputStream(new ByteArrayInputStream(data), 4096, 3)) {
            byte[] buf = new byte[7777];
            int n;
            while ((n = in.read(buf)) >= 0) {
                got.write(buf, 0, n);
            }
            assertEquals(-1, in.read());
        }
        assertArrayEquals(data, got.toByteArray());
    }

    @Test
    void aFailureAtTheEndOfTheSourceReachesTheReader() {
        InputStream failing = new InputStream() {
            int left = 10_000;

            @Override
            public int read() throws IOException {
                if (left-- > 0) {
                    return 1;
                }
                throw new IOException("entry \"data/00001.copy\" was changed after packaging (checksum mismatch)");
            }
        };
        var e = assertThrows(IOException.class, () -> {
            try (var in = new PipelinedInputStream(failing, 1024, 2)) {
                in.readAllBytes();
            }
        });
        assertEquals("entry \"data/00001.copy\" was changed after packaging (checksum mismatch)", e.getMessage());
    }
}
