package io.lizsync.sync.central.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lizsync.sync.central.devices.service.EditParser;
import io.lizsync.sync.central.devices.service.EditParser.Edit;
import io.lizsync.sync.central.devices.service.EditParser.Op;
import io.lizsync.sync.central.devices.service.EditParser.RawEdit;
import io.lizsync.sync.central.devices.service.InvalidFieldException;
import io.lizsync.sync.central.devices.service.LayerShape;
import io.lizsync.sync.central.devices.service.UploadRules;
import io.lizsync.sync.central.devices.service.UploadRules.Outcome;
import io.lizsync.sync.engine.ConflictPolicy;
import io.lizsync.sync.engine.ConflictResolver;
import io.lizsync.sync.engine.NetChange;
import io.lizsync.sync.engine.TableRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A device's edits checked against the layer, and what becomes of each (pure). */
class UploadRulesTest {

    static final TableRef T = new TableRef("obs", "observation");
    static final LayerShape LAYER = new LayerShape(T, List.of(
            new LayerShape.Column("id", "integer", false, true, true),
            new LayerShape.Column("indicator", "text", false, false, false),
            new LayerShape.Column("value", "numeric", true, false, false),
            new LayerShape.Column("tags", "jsonb", true, false, false),
            new LayerShape.Column("geom", "geometry(Point,2154)", true, false, false),
            new LayerShape.Column("uid", "uuid", false, false, true)),
            "uid", List.of("id"), "geom", "POINT", 2154, "v1");
    static final String DEVICE = "847bd592-0bc5-84d7-bf79-ae40fa544557";
    static final String U1 = "0c3e1f3a-1111-4a2b-8c3d-123456789abc";
    static final String U2 = "0c3e1f3a-2222-4a2b-8c3d-123456789abc";
    static final Instant AT = Instant.parse("2026-12-07T12:00:00Z");

    @Test
    void valuesBecomePostgresqlTextAndEveryRefusalNamesTheEditAndField() {
        List<Edit> edits = EditParser.parse(LAYER, List.of(new RawEdit(Op.CREATE, "", """
                {"indicator": "rain", "value": 1.5e1, "tags": {"a": [1]}, "geom": {"type": "Point", "coordinates": [1, 2]}}""",
                null), new RawEdit(Op.UPDATE, U1.toUpperCase(), "{\"value\": null}", "abc")));
        assertEquals(Map.of("indicator", "rain", "value", "15", "tags", "{\"a\":[1]}", "geom",
                "{\"type\":\"Point\",\"coordinates\":[1,2]}"), edits.get(0).values());
        assertEquals(null, edits.get(0).uid(), "a create without uid gets one later");
        assertEquals(U1, edits.get(1).uid(), "uids in canonical form");
        assertEquals("abc", edits.get(1).baseVersion());

        refused(1, "colour", new RawEdit(Op.CREATE, "", "{\"indicator\": \"x\"}", ""),
                new RawEdit(Op.CREATE, "", "{\"indicator\": \"x\", \"colour\": 1}", ""));
        refused(0, "id", new RawEdit(Op.CREATE, "", "{\"indicator\": \"x\", \"id\": 4}", ""));
        refused(0, "indicator", new RawEdit(Op.CREATE, "", "{\"value\": 1}", ""));
        refused(0, "indicator", new RawEdit(Op.UPDATE, U1, "{\"indicator\": null}", ""));
        refused(0, "value", new RawEdit(Op.CREATE, "", "{\"indicator\": \"x\", \"value\": {\"n\": 1}}", ""));
        refused(0, "uid", new RawEdit(Op.CREATE, "not-a-uuid", "{\"indicator\": \"x\"}", ""));
        refused(0, "uid", new RawEdit(Op.DELETE, "", "", ""));
        refused(0, "uid", new RawEdit(Op.CREATE, U1, "{\"indicator\": \"x\", \"uid\": \"" + U2 + "\"}", ""));
        refused(0, "values_json", new RawEdit(Op.CREATE, "", "[1, 2]", ""));
        refused(0, "values_json", new RawEdit(Op.UPDATE, U1, "{}", ""));
        refused(0, "op", new RawEdit(null, U1, "{}", ""));
        assertThrows(IllegalArgumentException.class, () -> EditParser.parse(LAYER, List.of()));
    }

    @Test
    void currentVersionsApplyOlderOnesGoThroughTheCloneRulesAndTheRestIsRefused() {
        List<Edit> edits = EditParser.parse(LAYER, List.of(
                new RawEdit(Op.CREATE, U1, "{\"indicator\": \"in use\"}", ""),
                new RawEdit(Op.CREATE, "", "{\"indicator\": \"new\"}", ""),
                new RawEdit(Op.UPDATE, U2, "{\"value\": 3}", "v-current"),
                new RawEdit(Op.DELETE, "0c3e1f3a-3333-4a2b-8c3d-123456789abc", "", "v-old"),
                new RawEdit(Op.UPDATE, "0c3e1f3a-4444-4a2b-8c3d-123456789abc", "{\"value\": 4}", "v-old"),
                new RawEdit(Op.DELETE, "0c3e1f3a-5555-4a2b-8c3d-123456789abc", "", ""),
                new RawEdit(Op.UPDATE, U2, "{\"value\": 5}", "v-current")));
        Map<String, String> versions = Map.of(U1, "x", U2, "v-current", "0c3e1f3a-3333-4a2b-8c3d-123456789abc", "v-new");
        var plan = UploadRules.plan(LAYER, edits, versions, Set.of("0c3e1f3a-4444-4a2b-8c3d-123456789abc"), DEVICE, AT,
                () -> "0c3e1f3a-9999-4a2b-8c3d-123456789abc");
        assertEquals("0c3e1f3a-9999-4a2b-8c3d-123456789abc", plan.uids().get(1));
        assertEquals(List.of("0c3e1f3a-9999-4a2b-8c3d-123456789abc", U2),
                plan.straight().stream().map(NetChange::uid).toList());
        assertEquals(List.of("0c3e1f3a-3333-4a2b-8c3d-123456789abc", "0c3e1f3a-4444-4a2b-8c3d-123456789abc"),
                plan.checked().stream().map(NetChange::uid).toList(), "older versions; a row central deleted since");
        assertEquals(Set.of(0, 5, 6), plan.refused().keySet(), "uid in use, unknown row, second edit of a row");
        NetChange update = plan.straight().get(1);
        assertEquals(NetChange.Kind.UPDATE, update.kind());
        assertEquals(DEVICE, update.writer());
        assertEquals(AT, update.fieldTimes().get("value"), "edited when central received it");

        // the clone rules decide the older one against central's change of the same field
        NetChange central = new NetChange(T, "0c3e1f3a-4444-4a2b-8c3d-123456789abc", NetChange.Kind.DELETE, Map.of(),
                Map.of(), Map.of(), Map.of("indicator", "gone", "value", "1"), "central-id", AT.minusSeconds(60), 1, 1,
                List.of(1L));
        var resolution = ConflictResolver.resolve(plan.checked(), List.of(central), t -> ConflictPolicy.LAST_EDIT_WINS);
        List<Outcome> outcomes = UploadRules.outcomes(edits, plan, resolution.decisions());
        assertEquals(Outcome.Kind.REFUSED, outcomes.get(0).kind());
        assertEquals(Outcome.Kind.APPLIED, outcomes.get(1).kind());
        assertEquals(Outcome.Kind.APPLIED, outcomes.get(3).kind(), "no change of central's known since the position");
        Outcome conflict = outcomes.get(4);
        assertEquals(Outcome.Kind.CONFLICT, conflict.kind());
        assertEquals("device", conflict.winner(), "the later edit: restored with the device's value");
        assertEquals("last_edit_wins", conflict.rule());
        assertTrue(resolution.toApply().stream().anyMatch(n -> n.kind() == NetChange.Kind.UPSERT
                && n.values().get("value").equals("4") && n.values().get("indicator").equals("gone")));
        var centralWins = ConflictResolver.resolve(plan.checked(), List.of(central), t -> ConflictPolicy.CENTRAL_WINS);
        assertEquals("central", UploadRules.outcomes(edits, plan, centralWins.decisions()).get(4).winner());
    }

    private static void refused(int row, String field, RawEdit... edits) {
        var e = assertThrows(InvalidFieldException.class, () -> EditParser.parse(LAYER, List.of(edits)));
        assertEquals(row, e.row());
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.getMessage().contains("\"" + field + "\""));
    }

    @Test
    void anUploadThatLostARaceIsMadeAgainABoundedNumberOfTimes() {
        assertTrue(UploadRules.madeAgain("23505", 1), "a uid or key taken meanwhile");
        assertTrue(UploadRules.madeAgain("40P01", 1));
        assertTrue(UploadRules.madeAgain("40001", UploadRules.ATTEMPTS - 1));
        assertEquals(false, UploadRules.madeAgain("23505", UploadRules.ATTEMPTS), "at most ATTEMPTS times");
        assertEquals(false, UploadRules.madeAgain("23502", 1), "a not-null violation is the upload's own fault");
        assertEquals(false, UploadRules.madeAgain("22P02", 1));
        assertEquals(false, UploadRules.madeAgain(null, 1), "not a database error");
    }
}
