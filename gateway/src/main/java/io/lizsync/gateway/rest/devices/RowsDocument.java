package io.lizsync.gateway.rest.devices;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.lizsync.proto.sync.v1.DeviceRow;
import io.lizsync.proto.sync.v1.DownloadChunk;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON answer of a download, written chunk by chunk as central streams it: the rows first (each
 * row's JSON as central wrote it), then the removals, and last what makes the answer usable: the
 * checkpoint, the continuation token and {@code "complete": true}. A device that did not read the
 * closing part (a dropped connection) has no checkpoint and asks again: nothing is lost. Only the
 * removed uids of one page are held in memory.
 */
public final class RowsDocument implements AutoCloseable {

    /** Never closes what is open (a cut answer must not look whole), never closes the response's stream. */
    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(com.fasterxml.jackson.core.StreamWriteFeature.AUTO_CLOSE_CONTENT)
            .disable(com.fasterxml.jackson.core.StreamWriteFeature.AUTO_CLOSE_TARGET).build();
    private final JsonGenerator out;
    private final List<String> removed = new ArrayList<>();
    private boolean reset;
    private long rows;

    public RowsDocument(OutputStream stream, String schema, String table) throws IOException {
        out = JSON.createGenerator(stream);
        out.writeStartObject();
        out.writeObjectFieldStart("layer");
        out.writeStringField("schema", schema);
        out.writeStringField("table", table);
        out.writeEndObject();
        out.writeArrayFieldStart("rows");
    }

    /** Writes a chunk's rows and keeps its removals; writes the end when the chunk is the last. */
    public void add(DownloadChunk chunk) throws IOException {
        for (DeviceRow r : chunk.getRowsList()) {
            out.writeStartObject();
            out.writeStringField("uid", r.getUid());
            out.writeStringField("version", r.getVersion());
            out.writeFieldName("row");
            out.writeRawValue(r.getRowJson().isEmpty() ? "null" : r.getRowJson());
            out.writeEndObject();
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
        out.writeEndArray();
        out.writeArrayFieldStart("removed");
        for (String uid : removed) {
            out.writeString(uid);
        }
        out.writeEndArray();
        out.writeBooleanField("reset", reset);
        out.writeNumberField("rowCount", rows);
        out.writeStringField("structureVersion", last.getStructureVersion());
        if (last.getCheckpoint().isEmpty()) {
            out.writeNullField("checkpoint");
        } else {
            out.writeStringField("checkpoint", last.getCheckpoint());
        }
        if (last.getContinuationToken().isEmpty()) {
            out.writeNullField("next");
        } else {
            out.writeStringField("next", last.getContinuationToken());
        }
        out.writeBooleanField("complete", true);
        out.writeEndObject();
    }

    public long rows() {
        return rows;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
