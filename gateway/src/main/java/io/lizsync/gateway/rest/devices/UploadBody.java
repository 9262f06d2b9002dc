package io.lizsync.gateway.rest.devices;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.lizsync.gateway.error.InvalidFieldException;
import io.lizsync.gateway.rest.Ids;
import io.lizsync.proto.sync.v1.RowEdit;
import io.lizsync.proto.sync.v1.UploadRequest;
import java.io.IOException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An upload's body ({@link LayerResource.Upload}) read with a streaming parser straight into
 * central's request (ADR 0020): each edit's values are copied as JSON text, never turned into
 * objects (central reads and checks them). The checks are the ones the body's annotations
 * declare, each refusal a 400 naming the field as the caller wrote it ({@code edits[3].uid});
 * unknown properties are ignored, as the object mapper does.
 */
final class UploadBody {

    static final int MAX_EDITS = 5000;
    static final int MAX_TEXT = 200;
    private static final Pattern UUID = Pattern.compile(Ids.UUID);

    private UploadBody() {
    }

    /** Not JSON, or not of the expected shape: the object mapper's refusal, without the parser's internals. */
    static final class Malformed extends jakarta.ws.rs.BadRequestException {
        Malformed(Throwable cause) {
            super("the request body is not valid JSON of the expected shape", cause);
        }
    }

    /** The request of {@code body}; throws {@link InvalidFieldException} or {@link Malformed}. */
    static UploadRequest.Builder read(JsonFactory json, byte[] body) {
        try (JsonParser p = json.createParser(body)) {
            return read(json, p);
        } catch (IOException e) {
            throw new Malformed(e);
        }
    }

    private static UploadRequest.Builder read(JsonFactory json, JsonParser p) throws IOException {
        UploadRequest.Builder req = UploadRequest.newBuilder();
        JsonToken t = p.nextToken();
        if (t == null || t == JsonToken.VALUE_NULL) {
            throw new InvalidFieldException("body", "must not be null");
        }
        expect(p, t, JsonToken.START_OBJECT);
        boolean edits = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            t = p.nextToken();
            switch (name) {
                case "edits" -> {
                    if (t != JsonToken.VALUE_NULL) {
                        edits(json, p, t, req);
                        edits = true;
                    }
                }
                case "structureVersion" -> req.setStructureVersion(text(p, t, "structureVersion", ""));
                case "srid" -> req.setGeometrySrid(srid(p, t));
                default -> p.skipChildren();
            }
        }
        if (p.nextToken() != null) {
            throw new Malformed(null);
        }
        if (!edits) {
            throw new InvalidFieldException("edits", "must not be null");
        }
        return req;
    }

    private static void edits(JsonFactory json, JsonParser p, JsonToken t, UploadRequest.Builder req) throws IOException {
        expect(p, t, JsonToken.START_ARRAY);
        int i = 0;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (i == MAX_EDITS) {
                throw new InvalidFieldException("edits", "size must be between 1 and " + MAX_EDITS);
            }
            String path = "edits[" + i + "]";
            if (t == JsonToken.VALUE_NULL) {
                throw new InvalidFieldException(path, "must not be null");
            }
            expect(p, t, JsonToken.START_OBJECT);
            req.addEdits(edit(json, p, path));
            i++;
        }
        if (i == 0) {
            throw new InvalidFieldException("edits", "size must be between 1 and " + MAX_EDITS);
        }
    }

    /** One edit, the parser on its START_OBJECT: the same rules as the single-row calls' edits. */
    private static RowEdit edit(JsonFactory json, JsonParser p, String path) throws IOException {
        RowEdit.Builder b = RowEdit.newBuilder();
        String op = null;
        String uid = null;
        String values = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "op" -> op = text(p, t, path + ".op", null);
                case "uid" -> uid = text(p, t, path + ".uid", null);
                case "baseVersion" -> b.setBaseVersion(text(p, t, path + ".baseVersion", ""));
                case "values" -> values = values(json, p, t);
                default -> p.skipChildren();
            }
        }
        if (op == null) {
            throw new InvalidFieldException(path + ".op", "must not be null");
        }
        RowEdit.Op kind = switch (op) {
            case "create" -> RowEdit.Op.CREATE;
            case "update" -> RowEdit.Op.UPDATE;
            case "delete" -> RowEdit.Op.DELETE;
            default -> throw new InvalidFieldException(path + ".op", "must be create, update or delete");
        };
        b.setOp(kind);
        if (uid != null) {
            if (!UUID.matcher(uid).matches()) {
                throw new InvalidFieldException(path + ".uid", Ids.UUID_MESSAGE);
            }
            b.setUid(uid.toLowerCase(Locale.ROOT));
        } else if (kind != RowEdit.Op.CREATE) {
            throw new InvalidFieldException(path + ".uid", "required to " + op + " a row");
        }
        if (values != null) {
            if (kind == RowEdit.Op.DELETE) {
                throw new InvalidFieldException(path + ".values", "not with delete");
            }
            b.setValuesJson(values);
        } else if (kind != RowEdit.Op.DELETE) {
            throw new InvalidFieldException(path + ".values", "required to " + op + " a row");
        }
        return b.build();
    }

    /** An edit's values object copied as compact JSON text; null for a JSON null. */
    private static String values(JsonFactory json, JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(p, t, JsonToken.START_OBJECT);
        java.io.StringWriter out = new java.io.StringWriter(128);
        try (JsonGenerator g = json.createGenerator(out)) {
            g.copyCurrentStructure(p);
        }
        return out.toString();
    }

    /** A string of at most {@value #MAX_TEXT} characters, or {@code absent} for a JSON null. */
    private static String text(JsonParser p, JsonToken t, String path, String absent) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return absent;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw new Malformed(null);
        }
        String s = p.getText();
        if (s.length() > MAX_TEXT && !path.endsWith(".op") && !path.endsWith(".uid")) {
            throw new InvalidFieldException(path, "size must be between 0 and " + MAX_TEXT);
        }
        return s;
    }

    private static int srid(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return 0;
        }
        if (t != JsonToken.VALUE_NUMBER_INT) {
            throw new Malformed(null);
        }
        long srid = p.getLongValue();
        if (srid < 0 || srid > 999_999) {
            throw new InvalidFieldException("srid", srid < 0 ? "must be greater than or equal to 0"
                    : "must be less than or equal to 999999");
        }
        return (int) srid;
    }

    private static void expect(JsonParser p, JsonToken t, JsonToken wanted) {
        if (t != wanted) {
            throw new Malformed(null);
        }
    }
}
