package io.lizsync.sql.pkg;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Between pgjdbc's COPY and the archive: counts the rows (COPY text ends each row with one
 * newline, newlines inside values are escaped) and lets the build stop between two rows. An
 * IOException thrown here makes pgjdbc cancel the COPY and rethrow it.
 */
final class RowWatch extends java.io.FilterOutputStream {

    interface AfterRow {
        void rows(long rowsSoFar) throws IOException;
    }

    private final AfterRow afterRow;
    private long rows;

    RowWatch(OutputStream out, AfterRow afterRow) {
        super(out);
        this.afterRow = afterRow;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        for (int i = off; i < off + len; i++) {
            if (b[i] == '\n') {
                afterRow.rows(++rows);
            }
        }
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        if (b == '\n') {
            afterRow.rows(++rows);
        }
    }
}
