package io.lizsync.sync.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real data shapes through the exchange, both directions: parcels of ~19 kB, polygons of several
 * megabytes (one row larger than any batch), and 100 000 rows in one push and one pull. Before
 * issue 4/12 a push batch was 1 000 changes in one message and a clone holding such a push was
 * refused (RESOURCE_EXHAUSTED) at every sync, for ever.
 */
class SyncLargeIT {

    static Mesh mesh;

    @BeforeAll
    static void start() throws Exception {
        mesh = Mesh.start(SyncScenariosIT.DDL, "field",
                List.of(new String[] {"field", "parcel"}, new String[] {"field", "note"}, new String[] {"field", "sample"}),
                "clone-a", "clone-b");
    }

    @AfterAll
    static void stop() {
        if (mesh != null) {
            mesh.close();
        }
    }

    private static long count(String node, String sql) throws Exception {
        return Long.parseLong(mesh.one(node, sql));
    }

    /** A polygon around (x, y) with about 4 × segments vertices (16 bytes each in WKB). */
    private static String polygon(int x, int y, int segments) {
        return "ST_Buffer(ST_SetSRID(ST_MakePoint(" + x + ", " + y + "), 2154), 50, " + segments + ")";
    }

    @Test
    void aCloneReshapingSixtyParcelsAndImportingObservationsSyncs() throws Exception {
        mesh.sql("clone-a", "INSERT INTO field.parcel (code, geom) SELECT 'reshaped ' || g, " + polygon(1000, 1000, 300)
                + " FROM generate_series(1, 60) g",
                "INSERT INTO field.note (body) SELECT 'observation ' || g FROM generate_series(1, 1200) g");
        long bytes = count("clone-a", "SELECT min(length(ST_AsBinary(geom))) FROM field.parcel WHERE code LIKE 'reshaped %'");
        assertTrue(bytes > 18_000, "parcels of ~19 kB, got " + bytes);
        var r = mesh.sync("clone-a");
        assertEquals(1, r.getStatus(), r.getMessage());
        assertEquals(60, count("central", "SELECT count(*) FROM field.parcel WHERE code LIKE 'reshaped %'"));
        assertEquals(1200, count("central", "SELECT count(*) FROM field.note WHERE body LIKE 'observation %'"));
        assertEquals(0, count("clone-a", "SELECT count(*) FROM audit.logged_actions"), "the push left the clone's log");
        mesh.sync("clone-b");
        mesh.assertConverged();
    }

    @Test
    void polygonsOfSeveralMegabytesTravelBothWays() throws Exception {
        // ~200 000 vertices: 3.2 MB of WKB, 6.4 MB as text: one row larger than a batch.
        mesh.sql("clone-a", "INSERT INTO field.parcel (code, geom) SELECT 'huge ' || g, " + polygon(5000, 5000, 50_000)
                + " FROM generate_series(1, 3) g");
        long wkb = count("clone-a", "SELECT min(length(ST_AsBinary(geom))) FROM field.parcel WHERE code LIKE 'huge %'");
        assertTrue(wkb > 3_000_000, "rows of several megabytes, got " + wkb);
        assertEquals(1, mesh.sync("clone-a").getStatus());
        assertEquals(3, count("central", "SELECT count(*) FROM field.parcel WHERE code LIKE 'huge %' AND "
                + "length(ST_AsBinary(geom)) = " + wkb));
        // Central reshapes one of them and draws another; both reach both clones.
        mesh.sql("central", "UPDATE field.parcel SET geom = ST_Translate(geom, 10, 0) WHERE code = 'huge 1'",
                "INSERT INTO field.parcel (code, geom) VALUES ('huge central', " + polygon(9000, 9000, 60_000) + ")");
        assertEquals(1, mesh.sync("clone-a").getStatus());
        assertEquals(1, mesh.sync("clone-b").getStatus());
        mesh.assertConverged();
        assertEquals(mesh.one("central", "SELECT md5(ST_AsBinary(geom)) FROM field.parcel WHERE code = 'huge 1'"),
                mesh.one("clone-b", "SELECT md5(ST_AsBinary(geom)) FROM field.parcel WHERE code = 'huge 1'"));
    }

    @Test
    void aHundredThousandInsertedRowsInOnePushAndOnePull() throws Exception {
        mesh.sync("clone-a");
        mesh.sync("clone-b");
        mesh.sql("clone-a", "INSERT INTO field.note (body) SELECT 'bulk from a ' || g FROM generate_series(1, 100000) g");
        var up = mesh.sync("clone-a");
        assertEquals(1, up.getStatus(), up.getMessage());
        assertEquals(100_000, up.getNumberReplayedToCentral());
        assertEquals(100_000, count("central", "SELECT count(*) FROM field.note WHERE body LIKE 'bulk from a %'"));
        assertEquals(100_000, count("central", "SELECT change_count FROM lizsync.history WHERE sync_type = 'partial' "
                + "ORDER BY sync_time DESC LIMIT 1"));
        // The other way: 100 000 rows written on central reach a clone in one pull.
        mesh.sql("central", "INSERT INTO field.note (body) SELECT 'bulk from central ' || g FROM generate_series(1, 100000) g");
        var down = mesh.sync("clone-b");
        assertEquals(1, down.getStatus(), down.getMessage());
        assertEquals(200_000, down.getNumberReplayedToClone());
        assertEquals(100_000, count("clone-b", "SELECT count(*) FROM field.note WHERE body LIKE 'bulk from central %'"));
        mesh.sync("clone-a");
        mesh.assertConverged();
    }
}
