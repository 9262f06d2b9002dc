package io.lizsync.gateway.rest.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Metadata;
import io.grpc.Status;
import io.lizsync.gateway.error.InvalidFieldException;
import io.lizsync.proto.registry.v1.ProjectLayer;
import io.lizsync.proto.registry.v1.TableRef;
import io.lizsync.proto.sync.v1.DeviceRow;
import io.lizsync.proto.sync.v1.DownloadChunk;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure parts of the device flow: grants, headers, areas, the streamed answer, central's field refusals. */
class DeviceFlowRulesTest {

    static final String P = "0b6f2a5e-3c1d-4e7f-9a8b-123456789abc";

    static ProjectLayer layer(String schema, String table, boolean editable) {
        return ProjectLayer.newBuilder().setTable(TableRef.newBuilder().setSchemaName(schema).setTableName(table))
                .setEditable(editable).build();
    }

    @Test
    void aLayerOfAProjectNotGrantedIs403AndATableOutsideTheProject404() {
        List<ProjectLayer> layers = List.of(layer("obs", "rain", true));
        assertTrue(LayerGrant.check(List.of(P), P, layers, "obs", "rain").isEmpty());
        var other = LayerGrant.check(List.of("another"), P, layers, "obs", "rain").orElseThrow();
        assertEquals(403, other.status());
        assertTrue(other.detail().contains(P));
        var outside = LayerGrant.check(List.of(P), P, layers, "obs", "wind").orElseThrow();
        assertEquals(404, outside.status());
        assertTrue(outside.detail().contains("obs.wind"));
        assertTrue(LayerGrant.editable(layer("obs", "rain", true)).isEmpty());
        assertEquals(403, LayerGrant.editable(layer("obs", "rain", false)).orElseThrow().status());
    }

    @Test
    void headersAreCheckedUnderTheirOwnNames() {
        assertNull(DeviceHeaders.deviceId(null));
        assertNull(DeviceHeaders.deviceId(" "));
        assertEquals("847bd592-0bc5-84d7-bf79-ae40fa544557", DeviceHeaders.deviceId("847BD592-0BC5-84D7-BF79-AE40FA544557"));
        assertEquals("X-Device-Id", assertThrows(InvalidFieldException.class, () -> DeviceHeaders.deviceId("847bd592")).field());
        assertEquals("Idempotency-Key", assertThrows(InvalidFieldException.class, () -> DeviceHeaders.idempotencyKey(null)).field());
        assertEquals("Idempotency-Key", assertThrows(InvalidFieldException.class,
                () -> DeviceHeaders.idempotencyKey("a\u0000b")).field());
        assertEquals("k-1", DeviceHeaders.idempotencyKey(" k-1 "));
        assertEquals("", DeviceHeaders.structureVersion(null));
    }

    @Test
    void anAreaIsABoxOrAPolygonNeverBoth() {
        assertNull(Areas.of(null, null, null));
        var box = Areas.of("1,2,3,4", null, 4326);
        assertEquals(List.of(1.0, 2.0, 3.0, 4.0), box.getBboxList());
        assertEquals(4326, box.getSrid());
        assertEquals("POLYGON((0 0,1 0,1 1,0 0))", Areas.of(null, "POLYGON((0 0,1 0,1 1,0 0))", null).getWkt());
        assertEquals("bbox", assertThrows(InvalidFieldException.class, () -> Areas.of("1,2,3", null, null)).field());
        assertEquals("bbox", assertThrows(InvalidFieldException.class, () -> Areas.of("3,2,1,4", null, null)).field());
        assertEquals("bbox", assertThrows(InvalidFieldException.class, () -> Areas.of("1,2,x,4", null, null)).field());
        assertEquals("area", assertThrows(InvalidFieldException.class, () -> Areas.of("1,2,3,4", "POLYGON EMPTY", null)).field());
        assertEquals("srid", assertThrows(InvalidFieldException.class, () -> Areas.of(null, null, 4326)).field());
    }

    @Test
    void theAnswerEndsWithItsCheckpointAndACutOneIsNotJson() throws Exception {
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        try (RowsDocument doc = new RowsDocument(whole, "obs", "rain")) {
            doc.add(DownloadChunk.newBuilder().addRows(DeviceRow.newBuilder().setUid("u1").setVersion("v1")
                    .setRowJson("{\"id\":1,\"geom\":{\"type\":\"Point\",\"coordinates\":[1,2]}}")).addRemovedUids("u9").build());
            doc.add(DownloadChunk.newBuilder().addRows(DeviceRow.newBuilder().setUid("u2").setVersion("v2").setRowJson("{\"id\":2}"))
                    .setLast(true).setCheckpoint("cp-1").setStructureVersion("s1").build());
        }
        JsonNode answer = new ObjectMapper().readTree(whole.toByteArray());
        assertEquals(2, answer.get("rows").size());
        assertEquals(2, answer.get("rows").get(0).get("row").get("geom").get("coordinates").get(1).asInt());
        assertEquals("u9", answer.get("removed").get(0).asText());
        assertEquals("cp-1", answer.get("checkpoint").asText());
        assertTrue(answer.get("next").isNull());
        assertTrue(answer.get("complete").asBoolean());
        assertEquals("obs", answer.get("layer").get("schema").asText());

        ByteArrayOutputStream cut = new ByteArrayOutputStream();
        try (RowsDocument doc = new RowsDocument(cut, "obs", "rain")) {
            doc.add(DownloadChunk.newBuilder().addRows(DeviceRow.newBuilder().setUid("u1").setVersion("v1").setRowJson("{}")).build());
        }
        String text = cut.toString(StandardCharsets.UTF_8);
        assertFalse(text.contains("checkpoint"), text);
        assertThrows(Exception.class, () -> new ObjectMapper().readTree(text), "a cut answer must not parse as a whole one");
    }

    @Test
    void aOneChunkAnswerSentWholeIsTheStreamedDocument() throws Exception {
        LayerPath at = new LayerPath();
        at.schema = "obs";
        at.table = "rain";
        // Nothing new (no rows, a checkpoint) and a small delta with a removal: the same bytes as the streamed answer.
        for (DownloadChunk only : List.of(
                DownloadChunk.newBuilder().setLast(true).setCheckpoint("cp-2").setStructureVersion("s1").build(),
                DownloadChunk.newBuilder().addRows(DeviceRow.newBuilder().setUid("u1").setVersion("v1").setRowJson("{\"id\":1}"))
                        .addRemovedUids("u9").setLast(true).setCheckpoint("cp-3").setContinuationToken("more")
                        .setStructureVersion("s1").build())) {
            ByteArrayOutputStream streamed = new ByteArrayOutputStream();
            try (RowsDocument doc = new RowsDocument(streamed, "obs", "rain")) {
                doc.add(only);
            }
            byte[] whole = LayerResource.whole(only, at);
            assertEquals(streamed.toString(StandardCharsets.UTF_8), new String(whole, StandardCharsets.UTF_8));
            JsonNode answer = new ObjectMapper().readTree(whole);
            assertEquals(only.getCheckpoint(), answer.get("checkpoint").asText());
            assertEquals(only.getRowsCount(), answer.get("rowCount").asInt());
            assertTrue(answer.get("complete").asBoolean());
        }
    }

    @Test
    void centralsFieldRefusalNamesTheFieldAsTheCallerWroteIt() {
        Metadata trailers = new Metadata();
        trailers.put(UploadErrors.ROW, "2");
        trailers.put(UploadErrors.FIELD, "depth");
        var e = Status.INVALID_ARGUMENT.withDescription("depth: not a number").asRuntimeException(trailers);
        var named = (InvalidFieldException) UploadErrors.named(e, i -> "edits[" + i + "].values");
        assertEquals("edits[2].values.depth", named.field());
        assertEquals("depth: not a number", named.reason());
        var other = Status.NOT_FOUND.asRuntimeException();
        assertEquals(other, UploadErrors.named(other, i -> "x"));
    }
}
