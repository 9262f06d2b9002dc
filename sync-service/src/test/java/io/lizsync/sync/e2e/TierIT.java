package io.lizsync.sync.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lizsync.proto.sync.v1.GetToolsStatusRequest;
import io.lizsync.proto.sync.v1.SynchronizeResponse;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One node holding both roles in one process: "tier" is a clone of central and the central of
 * "leaf"; "side" is a plain clone of central (the tier's sibling). Every edit reaches every node
 * whatever node made it and through however many hops, the tier's own edits reach its parent and
 * its child in either order, last edit wins by original edit time across the levels, and once
 * everything has travelled nothing travels any more (no echo up and down the tree).
 */
class TierIT {

    static final String DDL = """
            CREATE SCHEMA tree;
            CREATE TABLE tree.item (
                id serial PRIMARY KEY, uid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
                code text, owner text);
            """;
    static final String TIER = "tier";
    static final String LEAF = "leaf";
    static final String SIDE = "side";
    static final List<String> NODES = List.of("central", TIER, LEAF, SIDE);

    static Mesh mesh;

    @BeforeAll
    static void start() throws Exception {
        LinkedHashMap<String, String> parentOf = new LinkedHashMap<>();
        parentOf.put(TIER, "central");
        parentOf.put(LEAF, TIER);
        parentOf.put(SIDE, "central");
        mesh = Mesh.startTree(DDL, "tree", List.<String[]>of(new String[] {"tree", "item"}), parentOf);
    }

    @AfterAll
    static void stop() {
        if (mesh != null) {
            mesh.close();
        }
    }

    @Test
    void theTierProcessHoldsBothRoles() {
        assertEquals("central,clone", mesh.admin(TIER).getToolsStatus(GetToolsStatusRequest.getDefaultInstance()).getRole());
        var plain = io.lizsync.proto.sync.v1.ExchangeGrpc.newBlockingStub(mesh.channel(mesh.sidecars.get(SIDE).port));
        var refused = org.junit.jupiter.api.Assertions.assertThrows(io.grpc.StatusRuntimeException.class,
                () -> plain.registerClone(io.lizsync.proto.sync.v1.RegisterCloneRequest.newBuilder()
                        .setCloneId(java.util.UUID.randomUUID().toString()).setRegistrationTicket("lzr_x")
                        .addTables(io.lizsync.proto.sync.v1.TableName.newBuilder().setSchemaName("tree")
                                .setTableName("item")).build()));
        assertEquals(io.grpc.Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode());
        assertTrue(refused.getMessage().contains("central role"), refused.getMessage());
    }

    @Test
    void centralsEditReachesTheLeafThroughTheTier() throws Exception {
        String uid = insert("central", "from central");
        sync(TIER);
        sync(LEAF);
        sync(SIDE);
        assertEverywhere(uid, "from central");
        settle();
    }

    @Test
    void theLeafsEditReachesCentralAndTheTiersSibling() throws Exception {
        String uid = insert(LEAF, "from the leaf");
        sync(LEAF);
        assertEquals("from the leaf", owner(TIER, uid));
        sync(TIER);
        assertEquals("from the leaf", owner("central", uid));
        sync(SIDE);
        assertEverywhere(uid, "from the leaf");
        mesh.sql(LEAF, "UPDATE tree.item SET owner = 'leaf again' WHERE uid = '" + uid + "'");
        sync(LEAF);
        sync(TIER);
        sync(SIDE);
        assertEverywhere(uid, "leaf again");
        mesh.sql(LEAF, "DELETE FROM tree.item WHERE uid = '" + uid + "'");
        sync(LEAF);
        sync(TIER);
        sync(SIDE);
        assertEverywhere(uid, null);
        settle();
    }

    /** The tier pushes to central first: what it pushed stays in its log for its child. */
    @Test
    void theTiersOwnEditReachesItsChildAfterItsParent() throws Exception {
        String uid = insert(TIER, "from the tier");
        sync(TIER);
        assertEquals("from the tier", owner("central", uid));
        sync(LEAF);
        sync(SIDE);
        assertEverywhere(uid, "from the tier");
        mesh.sql(TIER, "UPDATE tree.item SET owner = 'tier, child first' WHERE uid = '" + uid + "'");
        sync(LEAF);
        sync(TIER);
        sync(SIDE);
        assertEverywhere(uid, "tier, child first");
        settle();
    }

    /** The leaf edits first, the side clone later: the side's later edit wins on all four nodes. */
    @Test
    void lastEditWinsAcrossTheLevels() throws Exception {
        String uid = insert("central", "start");
        sync(TIER);
        sync(LEAF);
        sync(SIDE);
        Instant leafAt = SyncOrderIT.edit(mesh, LEAF, "UPDATE tree.item SET owner = 'leaf, earlier' WHERE uid = '" + uid
                + "' RETURNING now()");
        Thread.sleep(300);
        Instant sideAt = SyncOrderIT.edit(mesh, SIDE, "UPDATE tree.item SET owner = 'side, later' WHERE uid = '" + uid
                + "' RETURNING now()");
        Thread.sleep(500);
        String context = "leaf edited at " + leafAt + ", side at " + sideAt;
        // The side clone first, then the leaf's edit climbs: it is older and must lose at every hop.
        sync(SIDE);
        sync(LEAF);
        sync(TIER);
        sync(LEAF);
        sync(SIDE);
        assertEverywhere(uid, "side, later", context);
        settle();
    }

    /** Nothing left to travel: every session of every node moves nothing, twice over. */
    private static void settle() throws Exception {
        for (int round = 0; round < 2; round++) {
            for (String node : List.of(LEAF, TIER, SIDE, LEAF)) {
                SynchronizeResponse r = sync(node);
                assertEquals(0, r.getNumberReplayedToCentral() + r.getNumberReplayedToClone(),
                        "round " + round + ": nothing left to travel, but " + node + "'s session moved " + r.getMessage());
            }
        }
        mesh.assertConverged();
    }

    private static String insert(String node, String owner) throws Exception {
        String uid = UUID.randomUUID().toString();
        mesh.sql(node, "INSERT INTO tree.item (uid, code, owner) VALUES ('" + uid + "', 'c', '" + owner + "')");
        return uid;
    }

    private static SynchronizeResponse sync(String node) {
        SynchronizeResponse r = mesh.sync(node);
        assertEquals(1, r.getStatus(), "session of " + node + ": " + r);
        return r;
    }

    private static void assertEverywhere(String uid, String owner) throws Exception {
        assertEverywhere(uid, owner, "");
    }

    private static void assertEverywhere(String uid, String owner, String context) throws Exception {
        for (String node : NODES) {
            if (owner == null) {
                assertNull(owner(node, uid), "the row is deleted on " + node + " " + context);
            } else {
                assertEquals(owner, owner(node, uid), "owner on " + node + " " + context);
            }
        }
    }

    private static String owner(String node, String uid) throws Exception {
        return mesh.one(node, "SELECT owner FROM tree.item WHERE uid = '" + uid + "'");
    }
}
