package io.lizsync.gateway.rest.devices;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.google.protobuf.ByteString;
import io.lizsync.proto.sync.v1.EditResult;
import io.lizsync.proto.sync.v1.UploadResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The JSON answer of an upload ({@link LayerViews.UploadView}'s document), written as bytes from
 * central's answer like {@link RowsDocument} (ADR 0020): each row's and key's JSON is copied as
 * the UTF-8 it arrived in, the strings around it quoted with Jackson's encoder; an empty proto
 * string is a JSON null, as in the view.
 */
final class UploadDocument {

    private static final JsonStringEncoder QUOTE = JsonStringEncoder.getInstance();

    private UploadDocument() {
    }

    static byte[] of(UploadResponse r) {
        // ~ the rows' JSON plus the fields around each result
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + r.getResultsCount() * 320);
        ascii(out, "{\"importId\":");
        string(out, r.getImportId());
        ascii(out, r.getReplayed() ? ",\"replayed\":true,\"results\":[" : ",\"replayed\":false,\"results\":[");
        for (int i = 0; i < r.getResultsCount(); i++) {
            EditResult e = r.getResults(i);
            ascii(out, i == 0 ? "{\"index\":" : ",{\"index\":");
            ascii(out, Integer.toString(e.getIndex()));
            ascii(out, ",\"uid\":");
            string(out, e.getUid());
            ascii(out, ",\"outcome\":");
            ascii(out, switch (e.getOutcome()) {
                case APPLIED -> "\"applied\"";
                case CONFLICT -> "\"conflict\"";
                case REFUSED -> "\"refused\"";
                default -> "\"unknown\"";
            });
            ascii(out, ",\"serverId\":");
            raw(out, e.getServerIdJsonBytes());
            ascii(out, ",\"version\":");
            string(out, e.getVersion());
            ascii(out, ",\"row\":");
            raw(out, e.getRowJsonBytes());
            ascii(out, ",\"rule\":");
            string(out, e.getRule());
            ascii(out, ",\"winner\":");
            string(out, e.getWinner());
            ascii(out, ",\"message\":");
            string(out, e.getMessage());
            out.write('}');
        }
        ascii(out, "]}");
        return out.toByteArray();
    }

    private static void raw(ByteArrayOutputStream out, ByteString json) {
        if (json.isEmpty()) {
            ascii(out, "null");
        } else {
            try {
                json.writeTo(out);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e); // a ByteArrayOutputStream does not fail
            }
        }
    }

    private static void string(ByteArrayOutputStream out, String s) {
        if (s.isEmpty()) {
            ascii(out, "null");
            return;
        }
        out.write('"');
        out.writeBytes(QUOTE.quoteAsUTF8(s));
        out.write('"');
    }

    private static void ascii(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
    }
}
