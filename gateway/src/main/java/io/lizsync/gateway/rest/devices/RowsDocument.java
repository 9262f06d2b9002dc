package io.lizsync.gateway.rest.devices;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.lizsync.proto.sync.v1.DeviceRow;
import io.lizsync.proto.sync.v1.DownloadChunk;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON answer of a download, written chunk by chunk as central streams it: the rows first (each
 * row's JSON as central wrote it), then the removals, and last what makes the answer usable: the
 * checkpoint, the continuation token and {@code "complete": true}. A device that did not read the
 * closing part (a dropped connection) has no checkpoint and asks again: nothing is lost. Only the
 * removed uids of one page are held in memory.
 *
 * <p>Written as bytes (ADR 0021): each row's JSON is copied from central's message as the UTF-8 it
 * arrived in (PostgreSQL wrote it; it is never decoded, parsed or re-encoded here), the strings
 * around it quoted with Jackson's encoder. Give it a buffered stream: it writes small pieces.
 */
public final class RowsDocument implements AutoCloseable {

    private static final byte[] ROW_UID = ascii("{\"uid\":");
    private static final byte[] ROW_VERSION = ascii(",\"version\":");
    private static final byte[] ROW_JSON = ascii(",\"row\":");
    private static final byte[] NULL = ascii("null");
    private final OutputStream out;
    private final List<String> removed = new ArrayList<>();
    private boolean reset;
    private long rows;

    public RowsDocument(OutputStream stream, String schema, String table) throws IOException {
        out = stream;
        out.write(ascii("{\"layer\":{\"schema\":"));
        string(schema);
        out.write(ascii(",\"table\":"));
        string(table);
        out.write(ascii("},\"rows\":["));
    }

    /** Writes a chunk's rows and keeps its removals; writes the end when the chunk is the last. */
    public void add(DownloadChunk chunk) throws IOException {
        for (DeviceRow r : chunk.getRowsList()) {
            if (rows > 0) {
                out.write(',');
            }
            out.write(ROW_UID);
            string(r.getUid());
            out.write(ROW_VERSION);
            string(r.getVersion());
            out.write(ROW_JSON);
            if (r.getRowJsonBytes().isEmpty()) {
                out.write(NULL);
            } else {
                r.getRowJsonBytes().writeTo(out);
            }
            out.write('}');
            rows++;
        }
        removed.addAll(chunk.getRemovedUidsList());
        reset |= chunk.getReset();
        if (chunk.getLast()) {
            end(chunk);
            out.flush();
        }
    }

    private void end(DownloadChunk last) throws IOException {
        out.write(ascii("],\"removed\":["));
        for (int i = 0; i < removed.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            string(removed.get(i));
        }
        out.write(ascii("],\"reset\":" + reset + ",\"rowCount\":" + rows + ",\"structureVersion\":"));
        string(last.getStructureVersion());
        out.write(ascii(",\"checkpoint\":"));
        nullable(last.getCheckpoint());
        out.write(ascii(",\"next\":"));
        nullable(last.getContinuationToken());
        out.write(ascii(",\"complete\":true}"));
    }

    private void nullable(String s) throws IOException {
        if (s.isEmpty()) {
            out.write(NULL);
        } else {
            string(s);
        }
    }

    private void string(String s) throws IOException {
        out.write('"');
        out.write(JsonStringEncoder.getInstance().quoteAsUTF8(s));
        out.write('"');
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    public long rows() {
        return rows;
    }

    /** Flushes what was written; never closes the response's stream, never closes what is open (a cut answer stays cut). */
    @Override
    public void close() throws IOException {
        out.flush();
    }
}
