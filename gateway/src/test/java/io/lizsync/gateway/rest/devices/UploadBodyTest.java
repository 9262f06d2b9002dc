package io.lizsync.gateway.rest.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lizsync.gateway.error.InvalidFieldException;
import io.lizsync.proto.sync.v1.EditResult;
import io.lizsync.proto.sync.v1.RowEdit;
import io.lizsync.proto.sync.v1.UploadResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An upload's body read straight into central's request, and its answer written as bytes. */
class UploadBodyTest {

    static final JsonFactory JSON = new JsonFactory();
    static final String U = "0A000000-0000-4000-8000-0000000000A1";

    static io.lizsync.proto.sync.v1.UploadRequest.Builder read(String body) {
        return UploadBody.read(JSON, body.getBytes(StandardCharsets.UTF_8));
    }

    static String refusedField(String body) {
        return assertThrows(InvalidFieldException.class, () -> read(body)).field();
    }

    @Test
    void editsBecomeCentralsRequestWithTheirValuesAsJsonText() throws Exception {
        var req = read("""
                {"structureVersion": "v7", "srid": 4326, "ignored": {"a": [1, 2]}, "edits": [
                  {"op": "create", "values": {"indicator": "rain", "value": 3.25, "geom": {"type": "Point", "coordinates": [1, 2]},
                   "note": null, "tags": ["a", "é"]}},
                  {"op": "update", "uid": "%s", "baseVersion": "abc", "values": {"value": 4}},
                  {"op": "delete", "uid": "%s", "values": null}]}""".formatted(U, U));
        assertEquals("v7", req.getStructureVersion());
        assertEquals(4326, req.getGeometrySrid());
        List<RowEdit> edits = req.getEditsList();
        assertEquals(3, edits.size());
        assertEquals(RowEdit.Op.CREATE, edits.get(0).getOp());
        assertEquals("", edits.get(0).getUid());
        JsonNode values = new ObjectMapper().readTree(edits.get(0).getValuesJson());
        assertEquals(new ObjectMapper().readTree("""
                {"indicator": "rain", "value": 3.25, "geom": {"type": "Point", "coordinates": [1, 2]}, "note": null,
                 "tags": ["a", "é"]}"""), values);
        assertEquals(RowEdit.Op.UPDATE, edits.get(1).getOp());
        assertEquals(U.toLowerCase(java.util.Locale.ROOT), edits.get(1).getUid());
        assertEquals("abc", edits.get(1).getBaseVersion());
        assertEquals("{\"value\":4}", edits.get(1).getValuesJson());
        assertEquals(RowEdit.Op.DELETE, edits.get(2).getOp());
        assertEquals("", edits.get(2).getValuesJson());
    }

    @Test
    void everyRefusalNamesTheFieldAsTheCallerWroteIt() {
        assertEquals("edits", refusedField("{}"));
        assertEquals("edits", refusedField("{\"edits\": null}"));
        assertEquals("edits", refusedField("{\"edits\": []}"));
        assertEquals("body", refusedField(""));
        assertEquals("edits[1]", refusedField("{\"edits\": [{\"op\": \"delete\", \"uid\": \"" + U + "\"}, null]}"));
        assertEquals("edits[0].op", refusedField("{\"edits\": [{\"values\": {}}]}"));
        assertEquals("edits[0].op", refusedField("{\"edits\": [{\"op\": \"upsert\", \"values\": {}}]}"));
        assertEquals("edits[0].uid", refusedField("{\"edits\": [{\"op\": \"create\", \"uid\": \"nope\", \"values\": {}}]}"));
        assertEquals("edits[0].uid", refusedField("{\"edits\": [{\"op\": \"update\", \"values\": {\"a\": 1}}]}"));
        assertEquals("edits[0].values", refusedField("{\"edits\": [{\"op\": \"create\"}]}"));
        assertEquals("edits[0].values", refusedField("{\"edits\": [{\"op\": \"delete\", \"uid\": \"" + U + "\", \"values\": {}}]}"));
        assertEquals("edits[0].baseVersion", refusedField("{\"edits\": [{\"op\": \"delete\", \"uid\": \"" + U
                + "\", \"baseVersion\": \"" + "v".repeat(201) + "\"}]}"));
        assertEquals("structureVersion", refusedField("{\"structureVersion\": \"" + "v".repeat(201) + "\", \"edits\": []}"));
        assertEquals("srid", refusedField("{\"srid\": -1, \"edits\": [{\"op\": \"create\", \"values\": {}}]}"));
        assertEquals("srid", refusedField("{\"srid\": 1000000, \"edits\": [{\"op\": \"create\", \"values\": {}}]}"));
        StringBuilder many = new StringBuilder("{\"edits\": [");
        for (int i = 0; i <= UploadBody.MAX_EDITS; i++) {
            many.append(i == 0 ? "" : ",").append("{\"op\": \"create\", \"values\": {}}");
        }
        assertEquals("edits", refusedField(many.append("]}").toString()));
    }

    @Test
    void aBodyThatIsNotJsonOfTheShapeIsMalformed() {
        for (String bad : List.of("{\"edits\": [", "[]", "{\"edits\": {}}", "{\"edits\": [{\"op\": \"create\", \"values\": [1]}]}",
                "{\"edits\": [{\"op\": 3, \"values\": {}}]}", "{\"srid\": \"x\", \"edits\": []}",
                "{\"edits\": [{\"op\": \"create\", \"values\": {}}]} trailing", "nope")) {
            assertThrows(UploadBody.Malformed.class, () -> read(bad), bad);
        }
    }

    @Test
    void theAnswerIsTheViewsDocumentWithTheRowsCopied() throws Exception {
        UploadResponse r = UploadResponse.newBuilder().setImportId("i-1").setReplayed(true)
                .addResults(EditResult.newBuilder().setIndex(0).setUid("u-0").setOutcome(EditResult.Outcome.APPLIED)
                        .setServerIdJson("{\"id\": 7}").setVersion("v\"1").setRowJson("{\"name\": \"é \\\"q\\\"\"}"))
                .addResults(EditResult.newBuilder().setIndex(1).setUid("u-1").setOutcome(EditResult.Outcome.CONFLICT)
                        .setRule("last_edit_wins").setWinner("central").setMessage("line\nbreak"))
                .addResults(EditResult.newBuilder().setIndex(2).setUid("u-2").setOutcome(EditResult.Outcome.REFUSED))
                .build();
        ObjectMapper mapper = new ObjectMapper();
        JsonNode ours = mapper.readTree(UploadDocument.of(r));
        JsonNode view = mapper.readTree(mapper.writeValueAsString(LayerViews.UploadView.of(r)));
        assertEquals(view, ours);
        assertEquals("é \"q\"", ours.get("results").get(0).get("row").get("name").asText());
        assertTrue(ours.get("results").get(1).get("row").isNull());
        assertEquals(3, ours.get("results").size());
    }
}
