package io.lizsync.qgis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/**
 * PostgreSQL reached through OGR ({@code PG:…|layername=…}) and embedded in virtual layers
 * ({@code ?layer=postgres:<encoded source>:<name>:<encoding>&…}), strings as QGIS writes them:
 * central's connection rewritten, no password written, everything else byte for byte.
 */
class OgrAndVirtualSourcesTest {

    static final PgTarget CENTRAL = PgDataSourceTest.CENTRAL;
    static final PgTarget CLONE = PgDataSourceTest.CLONE;
    static final String CLONE_CONNECTION = "dbname='geopoppy' host=localhost port=5433 user='field'";

    @Test
    void anOgrPgSourceOfCentralGetsTheClonesConnectionAndKeepsItsLayerPart() {
        assertEquals("PG:" + CLONE_CONNECTION + " sslmode=disable|layername=survey.poi",
                OgrPgSource.rewrite("PG:dbname='gis' host=central.example port=5432 user='editor' password='s3cr\\'|et' "
                        + "sslmode=disable|layername=survey.poi", CENTRAL, CLONE));
        assertEquals("PG:" + CLONE_CONNECTION + " active_schema=survey tables=survey.poi|layername=poi|subset=\"kind\" = 'a|b'",
                OgrPgSource.rewrite("PG:dbname=gis host=central.example user=editor active_schema=survey tables=survey.poi"
                        + "|layername=poi|subset=\"kind\" = 'a|b'", CENTRAL, CLONE));
        assertEquals("PG:" + CLONE_CONNECTION, OgrPgSource.rewrite("PG:dbname='gis' host=central.example", CENTRAL, CLONE));
    }

    @Test
    void otherOgrSourcesAndOtherDatabasesAreLeftAlone() {
        assertNull(OgrPgSource.rewrite("./media/photos.gpkg|layername=photos", CENTRAL, CLONE));
        assertNull(OgrPgSource.rewrite("PG:dbname='referential' host=central.example|layername=public.communes", CENTRAL, CLONE));
        assertNull(OgrPgSource.rewrite("PG:dbname='gis' host=central.example port=5433|layername=x", CENTRAL, CLONE));
        assertNull(OgrPgSource.rewrite("PG:service='other'|layername=x", CENTRAL, CLONE));
    }

    /** GDAL's older form: the whole connection string in double quotes, as QGIS writes it for some layers. */
    @Test
    void aDoubleQuotedOgrPgSourceOfCentralIsRewrittenInsideItsQuotes() {
        // a password with a double quote, a | and an escaped single quote inside: dropped, the rest kept
        assertEquals("PG:\"" + CLONE_CONNECTION + " sslmode=disable\"|layername=survey.poi|subset=\"kind\" = 'a|b'",
                OgrPgSource.rewrite("PG:\"dbname='gis' host=central.example port=5432 user='editor' "
                        + "password='s3\"cr\\'|et' sslmode=disable\"|layername=survey.poi|subset=\"kind\" = 'a|b'",
                        CENTRAL, CLONE));
        assertEquals("PG:\"" + CLONE_CONNECTION + "\"", OgrPgSource.rewrite("PG:\"dbname=gis host=central.example\"",
                CENTRAL, CLONE));
    }

    @Test
    void aDoubleQuotedSourceWithQuotesAndBackslashesInsideRoundTrips() {
        // values holding double quotes, backslashes and single quotes (escaped as libpq reads them)
        String central = "PG:\"dbname='gis' host=central.example port=5432 user='editor' "
                + "application_name='say \"hi\" \\\\ it\\'s' options=-c\\ search_path=\\\"survey\\\"\""
                + "|layername=survey.poi";
        String clone = OgrPgSource.rewrite(central, CENTRAL, CLONE);
        assertEquals("PG:\"" + CLONE_CONNECTION + " application_name='say \"hi\" \\\\ it\\'s' "
                + "options=-c\\ search_path=\\\"survey\\\"\"|layername=survey.poi", clone);
        assertEquals(central, OgrPgSource.rewrite(clone, CLONE, CENTRAL), "back to central byte for byte");
    }

    @Test
    void doubleQuotedSourcesOfOtherDatabasesOrUnclosedAreLeftAlone() {
        assertNull(OgrPgSource.rewrite("PG:\"dbname='referential' host=central.example\"|layername=public.communes",
                CENTRAL, CLONE));
        assertNull(OgrPgSource.rewrite("PG:\"dbname='gis' host=other.example\"", CENTRAL, CLONE));
        assertNull(OgrPgSource.rewrite("PG:\"dbname='gis' host=central.example|layername=x", CENTRAL, CLONE),
                "no closing quote");
        assertNull(OgrPgSource.rewrite("PG:\"dbname='gis' host=central.example\\\"|layername=x", CENTRAL, CLONE),
                "the only closing quote escaped");
        assertNull(OgrPgSource.rewrite("PG:\"dbname='gis\"' host=central.example|layername=x", CENTRAL, CLONE),
                "the only double quote inside single quotes");
    }

    /** QUrl::toPercentEncoding of QgsDataSourceUri::uri(): everything but A-Z a-z 0-9 - . _ ~ encoded. */
    static final String VIRTUAL_ENCODED = "?layer=postgres:dbname%3D%27gis%27%20host%3Dcentral.example%20port%3D5432"
            + "%20user%3D%27editor%27%20password%3D%27s3cr%27%20sslmode%3Ddisable%20key%3D%27id%27%20srid%3D2154"
            + "%20type%3DPoint%20checkPrimaryKeyUnicity%3D%271%27%20table%3D%22survey%22.%22poi%22%20%28geom%29"
            + ":poi%20layer:UTF-8&layer=ogr:.%2Fmedia%2Fphotos.gpkg%7Clayername%3Dphotos:photos:UTF-8"
            + "&query=SELECT%20*%20FROM%20poi%20JOIN%20photos&uid=id&geometry=geom:1:2154";

    @Test
    void aVirtualLayersPostgresSourceOfCentralIsRewrittenEncodedAsBefore() {
        String out = VirtualLayerSource.rewrite(VIRTUAL_ENCODED, CENTRAL, CLONE);
        assertEquals("?layer=postgres:dbname%3D%27geopoppy%27%20host%3Dlocalhost%20port%3D5433%20user%3D%27field%27"
                + "%20sslmode%3Ddisable%20key%3D%27id%27%20srid%3D2154"
                + "%20type%3DPoint%20checkPrimaryKeyUnicity%3D%271%27%20table%3D%22survey%22.%22poi%22%20%28geom%29"
                + ":poi%20layer:UTF-8&layer=ogr:.%2Fmedia%2Fphotos.gpkg%7Clayername%3Dphotos:photos:UTF-8"
                + "&query=SELECT%20*%20FROM%20poi%20JOIN%20photos&uid=id&geometry=geom:1:2154", out);
        assertEquals("dbname='geopoppy' host=localhost port=5433 user='field' sslmode=disable key='id' srid=2154 "
                + "type=Point checkPrimaryKeyUnicity='1' table=\"survey\".\"poi\" (geom)",
                VirtualLayerSource.decode(out.substring("?layer=postgres:".length(), out.indexOf(":poi%20layer"))));
    }

    @Test
    void aSourceWhoseQuotesWereLeftAsTheyAreKeepsThemSo() {
        String in = "?layer=postgres:dbname%3D'gis'%20host%3Dcentral.example%20table%3D%22t%22%20(geom):t:UTF-8"
                + "&layer=postgres:dbname%3D'referential'%20host%3Dcentral.example%20table%3D%22c%22:c:UTF-8";
        assertEquals("?layer=postgres:dbname%3D'geopoppy'%20host%3Dlocalhost%20port%3D5433%20user%3D'field'"
                + "%20table%3D%22t%22%20(geom):t:UTF-8"
                + "&layer=postgres:dbname%3D'referential'%20host%3Dcentral.example%20table%3D%22c%22:c:UTF-8",
                VirtualLayerSource.rewrite(in, CENTRAL, CLONE), "the other database's layer untouched");
    }

    @Test
    void virtualLayersWithoutCentralOrMalformedAreLeftAlone() {
        assertNull(VirtualLayerSource.rewrite("?layer_ref=poi_1a2b:poi&query=SELECT%20*%20FROM%20poi", CENTRAL, CLONE));
        assertNull(VirtualLayerSource.rewrite("?layer=postgres:dbname%3D'x'%20host%3Dcentral.example:x:UTF-8", CENTRAL, CLONE));
        assertNull(VirtualLayerSource.rewrite("?layer=postgres:dbname%3D'gis'%ZZ:x:UTF-8", CENTRAL, CLONE));
        assertNull(VirtualLayerSource.rewrite("?layer=postgres:dbname%3D'gis'%2", CENTRAL, CLONE));
        assertNull(VirtualLayerSource.rewrite("", CENTRAL, CLONE));
    }
}
