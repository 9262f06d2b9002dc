package io.lizsync.sync.central.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lizsync.sync.central.devices.service.DownloadPlan;
import io.lizsync.sync.central.devices.service.DownloadPlan.Mode;
import io.lizsync.sync.central.devices.service.DownloadPlan.Position;
import io.lizsync.sync.central.devices.service.DownloadTokens;
import io.lizsync.sync.central.devices.service.DownloadTokens.Checkpoint;
import io.lizsync.sync.central.devices.service.DownloadTokens.Continuation;
import io.lizsync.sync.central.exchange.service.ExchangeException;
import org.junit.jupiter.api.Test;

/** What a download answers, and its tokens. */
class DownloadRulesTest {

    static final String DEVICE = "847bd592-0bc5-84d7-bf79-ae40fa544557";
    static final String AREA = "SRID=2154;POLYGON((0 0,0 1,1 1,1 0,0 0))";
    static final Position AT_100 = new Position("100:105:101,103", 100, AREA, "v1");

    @Test
    void aDeltaOnlyFromAPositionOfTheSameAreaAndStructure() {
        assertEquals(Mode.DELTA, DownloadPlan.decide(AT_100, AREA, 0, false, "v1"));
        assertEquals(Mode.DELTA, DownloadPlan.decide(AT_100, AREA, 100, false, "v1"), "the horizon at the position");
        // no position (or no device): the whole layer
        assertEquals(Mode.RESET, DownloadPlan.decide(null, AREA, 0, false, "v1"));
        // another area, a truncated table, another structure: the whole layer again
        assertEquals(Mode.RESET, DownloadPlan.decide(AT_100, null, 0, false, "v1"));
        assertEquals(Mode.RESET, DownloadPlan.decide(AT_100, AREA, 0, true, "v1"));
        assertEquals(Mode.RESET, DownloadPlan.decide(AT_100, AREA, 0, false, "v2"));
    }

    @Test
    void aReadSentAheadServesOnlyWhenItIsTheCursorsFirstRead() {
        // a page of 10 000 rows, chunks of 500: 501 asked ahead; up to 500 rows is the whole page
        assertEquals(501, DownloadPlan.aheadLimit(10_000, 500));
        assertTrue(DownloadPlan.aheadServes(10_000, 500, 0), "nothing new");
        assertTrue(DownloadPlan.aheadServes(10_000, 500, 500));
        assertTrue(!DownloadPlan.aheadServes(10_000, 500, 501), "more than a chunk: read through the cursor");
        assertTrue(DownloadPlan.aheadServes(500, 500, 500), "a page of exactly a chunk");
        assertTrue(!DownloadPlan.aheadServes(500, 500, 501));
        // a page smaller than a chunk: the read ahead is the cursor's whole read, its extra row says more follows
        assertEquals(11, DownloadPlan.aheadLimit(10, 500));
        assertTrue(DownloadPlan.aheadServes(10, 500, 11));
        assertTrue(DownloadPlan.aheadServes(10, 500, 3));
    }

    @Test
    void aPositionThePrunedLogNoLongerCoversIsRefusedNeverAnsweredInPart() {
        var e = assertThrows(ExchangeException.class, () -> DownloadPlan.decide(AT_100, AREA, 101, false, "v1"));
        assertEquals(ExchangeException.Reason.PRECONDITION, e.reason());
        assertTrue(e.getMessage().contains("download the layer again"));
        // even when the answer would have been a reset for another reason
        assertThrows(ExchangeException.class, () -> DownloadPlan.decide(AT_100, null, 101, false, "v2"));
    }

    @Test
    void pageSizesAreBounded() {
        assertEquals(10_000, DownloadPlan.pageSize(0));
        assertEquals(7, DownloadPlan.pageSize(7));
        assertEquals(1_000_000, DownloadPlan.pageSize(Integer.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> DownloadPlan.pageSize(-1));
    }

    @Test
    void tokensTravelWholeAndOnlyToTheirDeviceAndLayer() {
        Checkpoint k = new Checkpoint(DEVICE, "Inventaire Forêt", "obs\nervation", "100:105:101,103", AREA, "v1");
        String token = DownloadTokens.encode(k);
        assertTrue(token.matches("[A-Za-z0-9_-]+"), "safe in a header or a query string: " + token);
        assertEquals(k, DownloadTokens.checkpoint(token, DEVICE, "Inventaire Forêt", "obs\nervation"),
                "any name travels, a line break included");
        Checkpoint plain = new Checkpoint(DEVICE, "obs", "observation", "100:100:", null, "v1");
        assertEquals(plain, DownloadTokens.checkpoint(DownloadTokens.encode(plain), DEVICE, "obs", "observation"));
        assertEquals(plain, DownloadTokens.checkpoint(DownloadTokens.encode(plain), DEVICE));
        assertThrows(IllegalArgumentException.class, () -> DownloadTokens.checkpoint(DownloadTokens.encode(plain),
                "9d10aaab-84f9-87ca-e564-515e746fb2ba", "obs", "observation"));
        assertThrows(IllegalArgumentException.class,
                () -> DownloadTokens.checkpoint(DownloadTokens.encode(plain), DEVICE, "obs", "zone"));
        assertThrows(IllegalArgumentException.class, () -> DownloadTokens.checkpoint("not a token", DEVICE));
        assertThrows(IllegalArgumentException.class, () -> DownloadTokens.checkpoint(
                DownloadTokens.encode(new Checkpoint(DEVICE, "obs", "t", "1:2:3'; DROP", null, "v")), DEVICE));

        Continuation n = new Continuation(plain, "90:95:", "0c3e1f3a-1111-4a2b-8c3d-123456789abc");
        Continuation back = DownloadTokens.continuation(DownloadTokens.encode(n), DEVICE, "obs", "observation");
        assertEquals(n, back);
        Continuation reset = new Continuation(plain, null, "0c3e1f3a-1111-4a2b-8c3d-123456789abc");
        assertTrue(DownloadTokens.continuation(DownloadTokens.encode(reset), DEVICE, "obs", "observation").reset());
        assertThrows(IllegalArgumentException.class,
                () -> DownloadTokens.continuation(DownloadTokens.encode(plain), DEVICE, "obs", "observation"),
                "a checkpoint is not a continuation");
        assertNull(DownloadTokens.continuation(DownloadTokens.encode(reset), DEVICE, "obs", "observation").fromSnapshot());
    }

    @Test
    void deviceIdsAreUuids() {
        assertEquals(DEVICE, DownloadTokens.deviceId(DEVICE.toUpperCase()));
        assertThrows(IllegalArgumentException.class, () -> DownloadTokens.deviceId("device-a"));
    }
}
