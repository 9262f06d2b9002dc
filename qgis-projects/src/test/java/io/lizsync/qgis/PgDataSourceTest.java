package io.lizsync.qgis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Data source strings as QGIS writes them (QgsDataSourceUri::uri()), read and rewritten exactly. */
class PgDataSourceTest {

    static final PgTarget CENTRAL = PgTarget.of("central.example", 5432, "gis", "editor");
    static final PgTarget CLONE = PgTarget.of("localhost", 5433, "geopoppy", "field");

    /** Written by QGIS 3.x: connection info, key, estimatedmetadata, srid, type, params, table, sql. */
    static final String FULL = "dbname='gis' host=central.example port=5432 user='editor' password='s3cr\\'et' "
            + "sslmode=disable key='id' estimatedmetadata=true srid=2154 type=Point checkPrimaryKeyUnicity='1' "
            + "table=\"survey\".\"poi\" (geom) sql=\"kind\" = 'a=b' AND \"label\" <> 'it''s' AND note LIKE '%\\%'";

    @ParameterizedTest
    @ValueSource(strings = {
        FULL,
        "dbname='gis' host=localhost port=5432 user='postgres' key='fid' checkPrimaryKeyUnicity='1' table=\"cls\".\"MafTypeLevel1\"",
        "service='edit' key='itfcode' checkPrimaryKeyUnicity='1' table=\"alw\".\"oekologie_punkte\" sql=",
        "dbname='o\\'brien\\\\db' host=db port=6432 user='a b' sslmode=require authcfg=lz7q1xa key='id' table=\"s\".\"we\\\"ird\" (the\\)geom)",
        "dbname=':DATABASE' host=:DB_HOST port=:DB_PORT user=':DBOWNER' password=':DB_PASS'  key='allocation_cat' table=\"public\".\"allocation_cat\"",
        "  dbname = 'gis'   junk host=h table=\"t\" ( g )  ",
        "table=poi",
        "",
        "./media/photos.gpkg|layername=photos",
    })
    void everyStringReadsBackAsWritten(String uri) {
        assertEquals(uri, PgDataSource.parse(uri).toString());
    }

    @Test
    void valuesAreDecodedWithQgisEscapes() {
        PgDataSource ds = PgDataSource.parse(FULL);
        assertEquals("gis", ds.value("dbname"));
        assertEquals("s3cr'et", ds.value("password"));
        assertEquals("1", ds.value("checkPrimaryKeyUnicity"));
        assertEquals(new PgDataSource.Table("survey", "poi", "geom"), ds.table());
        assertEquals("\"kind\" = 'a=b' AND \"label\" <> 'it''s' AND note LIKE '%\\%'", ds.value("sql"));
        assertEquals(List.of("dbname", "host", "port", "user", "password", "sslmode", "key", "estimatedmetadata",
                "srid", "type", "checkPrimaryKeyUnicity", "table", "sql"), ds.keys());

        PgDataSource odd = PgDataSource.parse(
                "dbname='o\\'brien\\\\db' host=db user='a b' table=\"s\".\"we\\\"ird\" (the\\)geom) sql=x = 'y'");
        assertEquals("o'brien\\db", odd.value("dbname"));
        assertEquals("a b", odd.value("user"));
        assertEquals(new PgDataSource.Table("s", "we\"ird", "the)geom"), odd.table());
        assertEquals("x = 'y'", odd.value("sql"));
    }

    @Test
    void aBackslashBeforeAnotherCharacterIsKeptAsQgisDoes() {
        assertEquals("a\\nb", PgDataSource.parse("dbname='a\\nb'").value("dbname"));
        assertEquals("it's", PgDataSource.parse("dbname=it\\'s").value("dbname"));
    }

    @Test
    void theSqlFilterTakesTheRestEvenWhenItLooksLikeKeys() {
        PgDataSource ds = PgDataSource.parse("dbname='gis' table=\"t\" sql=host='evil' port=1 dbname='x'");
        assertEquals("gis", ds.value("dbname"));
        assertEquals("host='evil' port=1 dbname='x'", ds.value("sql"));
        assertNull(ds.value("host"));
    }

    @Test
    void pointsAtTheSameHostPortAndDatabase() {
        assertTrue(PgDataSource.parse(FULL).pointsAt(CENTRAL));
        assertTrue(PgDataSource.parse("dbname='gis' host=CENTRAL.Example table=\"t\"").pointsAt(CENTRAL), "host without case, default port");
        assertFalse(PgDataSource.parse("dbname='gis' host=central.example port=5433 table=\"t\"").pointsAt(CENTRAL));
        assertFalse(PgDataSource.parse("dbname='referential' host=central.example port=5432").pointsAt(CENTRAL));
        assertFalse(PgDataSource.parse("dbname='gis' host=other.example port=5432").pointsAt(CENTRAL));
        assertFalse(PgDataSource.parse("dbname='gis' table=\"t\"").pointsAt(CENTRAL), "no host is localhost");
        assertTrue(PgDataSource.parse("dbname='gis' table=\"t\"").pointsAt(PgTarget.of("localhost", 5432, "gis", "")));
        assertFalse(PgDataSource.parse("./media/photos.gpkg|layername=photos").pointsAt(CENTRAL));
        assertFalse(PgDataSource.parse("service='central' table=\"t\"").pointsAt(CENTRAL), "a service is not host/port/dbname");
        assertTrue(PgDataSource.parse("service='central' dbname='gis' table=\"t\"").pointsAt(PgTarget.ofService("central")));
        assertFalse(PgDataSource.parse("service='other' table=\"t\"").pointsAt(PgTarget.ofService("central")));
        assertFalse(PgDataSource.parse("dbname='gis' host=central.example").pointsAt(PgTarget.ofService("central")));
        assertFalse(PgDataSource.parse("dbname='gis' host=central.example port=x").pointsAt(CENTRAL));
    }

    @Test
    void theConnectionIsRewrittenAndEveryOtherPairKeptByteForByte() {
        assertEquals("dbname='geopoppy' host=localhost port=5433 user='field' "
                + "sslmode=disable key='id' estimatedmetadata=true srid=2154 type=Point checkPrimaryKeyUnicity='1' "
                + "table=\"survey\".\"poi\" (geom) sql=\"kind\" = 'a=b' AND \"label\" <> 'it''s' AND note LIKE '%\\%'",
                DataSourceRewrite.rewrite(FULL, CENTRAL, CLONE));
    }

    @Test
    void noPasswordIsEverWrittenAndAuthcfgIsKept() {
        String in = "dbname='gis' host=central.example user='editor' password='pw' authcfg=lz7q1xa key='code' table=\"survey\".\"we\\\"ird kind\"";
        String out = DataSourceRewrite.rewrite(in, CENTRAL, CLONE);
        assertEquals("dbname='geopoppy' host=localhost port=5433 user='field' authcfg=lz7q1xa key='code' table=\"survey\".\"we\\\"ird kind\"", out);
        PgDataSource back = PgDataSource.parse(out);
        assertNull(back.value("password"));
        assertEquals(new PgDataSource.Table("survey", "we\"ird kind", ""), back.table());
    }

    @Test
    void theClonesOwnAuthcfgReplacesTheStrings() {
        String in = "dbname='gis' host=central.example user='editor' sslmode=disable authcfg=centr01 key='code' table=\"s\".\"t\"";
        assertEquals("dbname='geopoppy' host=localhost port=5433 user='field' authcfg=clone01 sslmode=disable key='code' table=\"s\".\"t\"",
                DataSourceRewrite.rewrite(in, CENTRAL, CLONE.withAuthcfg("clone01")));
        assertEquals("service='geopoppy' authcfg=clone01 key='id' table=\"t\"",
                DataSourceRewrite.rewrite("dbname='gis' host=central.example key='id' table=\"t\"", CENTRAL,
                        PgTarget.ofService("geopoppy").withAuthcfg("clone01")));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> CLONE.withAuthcfg("a b' host=x"));
    }

    @Test
    void aServiceTargetReplacesHostPortDatabaseAndUser() {
        String out = DataSourceRewrite.rewrite("dbname='gis' host=central.example port=5432 user='editor' sslmode=require key='id' table=\"s\".\"t\" (geom)",
                CENTRAL, PgTarget.ofService("geopoppy"));
        assertEquals("service='geopoppy' sslmode=require key='id' table=\"s\".\"t\" (geom)", out);
        String back = DataSourceRewrite.rewrite("service='central' key='id' table=\"s\".\"t\"",
                PgTarget.ofService("central"), CLONE);
        assertEquals("dbname='geopoppy' host=localhost port=5433 user='field' key='id' table=\"s\".\"t\"", back);
    }

    @Test
    void valuesOfTheTargetAreQuotedTheQgisWay() {
        PgTarget odd = new PgTarget("my host", 5432, "o'brien\\db", "it's", "");
        String out = DataSourceRewrite.rewrite("dbname='gis' host=central.example table=\"t\"", CENTRAL, odd);
        assertEquals("dbname='o\\'brien\\\\db' host='my host' port=5432 user='it\\'s' table=\"t\"", out);
        PgDataSource back = PgDataSource.parse(out);
        assertEquals("o'brien\\db", back.value("dbname"));
        assertEquals("my host", back.value("host"));
        assertEquals("it's", back.value("user"));
        assertTrue(back.pointsAt(odd));
    }

    @Test
    void otherDatabasesAndOtherProvidersAreLeftAlone() {
        assertNull(DataSourceRewrite.rewrite("dbname='referential' host=central.example port=5432 table=\"r\".\"c\"", CENTRAL, CLONE));
        assertNull(DataSourceRewrite.rewrite("./media/photos.gpkg|layername=photos", CENTRAL, CLONE));
        assertNull(DataSourceRewrite.rewrite("", CENTRAL, CLONE));
        assertNull(DataSourceRewrite.rewrite(null, CENTRAL, CLONE));
    }

    @Test
    void unusualSpacingKeepsItsShape() {
        String in = "  dbname = 'gis'   junk host=central.example table=\"t\" ( g )  ";
        assertEquals("  dbname='geopoppy' host=localhost port=5433 user='field'   junk table=\"t\" ( g )  ",
                DataSourceRewrite.rewrite(in, CENTRAL, CLONE));
    }

    @Test
    void aTargetIsReadAsQgisWritesConnections() {
        assertEquals(PgTarget.of("db.example", 5433, "o'brien", "field"),
                PgTarget.parse("host=db.example port=5433 dbname='o\\'brien' user=field"));
        assertEquals(PgTarget.ofService("geopoppy").withAuthcfg("lz7q1xa"), PgTarget.parse("service=geopoppy authcfg=lz7q1xa"));
        assertEquals(5432, PgTarget.parse("dbname=gis").port());
        IllegalArgumentException pw = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PgTarget.parse("dbname=gis password=hunter2"));
        assertFalse(pw.getMessage().contains("hunter2"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> PgTarget.parse("dbname=gis sslmode=disable"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> PgTarget.parse("host=db"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> PgTarget.parse("dbname=gis port=x"));
    }
}
