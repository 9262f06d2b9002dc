package io.lizsync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RowFilesTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @SuppressWarnings("unchecked")
    static Map<String, Object> values(Map<String, Object> edit) {
        return (Map<String, Object>) edit.get("values");
    }

    @Test
    void aJsonArrayOfRowsIsOneCreateEachWithItsUidKeptApart() throws Exception {
        var edits = RowFiles.creates(JSON.readTree("[{\"indicator\":\"rain\",\"value\":3,\"uid\":\"0a000000-0000-4000-8000-0000000000a1\"},"
                + "{\"indicator\":\"wind\"}]"), "geom");
        assertEquals(2, edits.size());
        assertEquals("create", edits.get(0).get("op"));
        assertEquals("0a000000-0000-4000-8000-0000000000a1", edits.get(0).get("uid"));
        assertFalse(values(edits.get(0)).containsKey("uid"));
        assertEquals(3, ((JsonNode) values(edits.get(0)).get("value")).asInt());
        assertFalse(edits.get(1).containsKey("uid"));
    }

    @Test
    void aGeoJsonFeatureGivesItsPropertiesAndItsGeometryUnderTheGeometryColumn() throws Exception {
        var edits = RowFiles.creates(JSON.readTree("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
                + "\"id\":\"0a000000-0000-4000-8000-0000000000a2\",\"properties\":{\"indicator\":\"rain\"},"
                + "\"geometry\":{\"type\":\"Point\",\"coordinates\":[3.5,43.6]}}]}"), "the_geom");
        assertEquals("0a000000-0000-4000-8000-0000000000a2", edits.get(0).get("uid"));
        assertEquals("Point", ((JsonNode) values(edits.get(0)).get("the_geom")).get("type").asText());
    }

    @Test
    void anythingElseIsAUsageError() throws Exception {
        assertThrows(UsageException.class, () -> RowFiles.creates(JSON.readTree("{\"a\":1}"), "geom"));
        assertThrows(UsageException.class, () -> RowFiles.creates(JSON.readTree("[]"), "geom"));
        assertThrows(UsageException.class, () -> RowFiles.creates(JSON.readTree("[1]"), "geom"));
    }
}
