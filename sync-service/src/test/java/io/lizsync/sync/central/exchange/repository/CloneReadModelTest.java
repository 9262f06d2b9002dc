package io.lizsync.sync.central.exchange.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.lizsync.sync.central.registry.CloneIdentity;
import io.lizsync.sync.engine.TableRef;
import java.util.List;
import org.junit.jupiter.api.Test;

class CloneReadModelTest {

    private static final TableRef PARCEL = new TableRef("field", "parcel");
    private static final TableRef NOTE = new TableRef("field", "note");
    private static final CloneIdentity VOUCHED = new CloneIdentity("c1", "laptop", List.of(PARCEL, NOTE));

    @Test
    void nothingToWriteWhenTheReadModelSaysWhatRegistrySaid() {
        var held = new CloneReadModel.Held("laptop", "h1", false, List.of(NOTE, PARCEL));
        assertFalse(CloneReadModel.changes(held, VOUCHED, "h1").any(), "same tables in another order: nothing");
    }

    @Test
    void eachDifferenceIsWritten() {
        assertEquals(new CloneReadModel.Changes(true, false), CloneReadModel.changes(
                new CloneReadModel.Held("someone else", "h1", false, List.of(PARCEL, NOTE)), VOUCHED, "h1"));
        assertEquals(new CloneReadModel.Changes(true, false), CloneReadModel.changes(
                new CloneReadModel.Held("laptop", "h0", false, List.of(PARCEL, NOTE)), VOUCHED, "h1"),
                "a credential registry vouched for replaces the one held");
        assertEquals(new CloneReadModel.Changes(true, false), CloneReadModel.changes(
                new CloneReadModel.Held("laptop", "h1", true, List.of(PARCEL, NOTE)), VOUCHED, "h1"),
                "vouched for by registry: no longer revoked");
        assertEquals(new CloneReadModel.Changes(false, true), CloneReadModel.changes(
                new CloneReadModel.Held("laptop", "h1", false, List.of(PARCEL, new TableRef("field", "other"))),
                VOUCHED, "h1"));
        assertEquals(new CloneReadModel.Changes(false, true), CloneReadModel.changes(
                new CloneReadModel.Held("laptop", "h1", false, List.of(PARCEL)), VOUCHED, "h1"));
    }
}
