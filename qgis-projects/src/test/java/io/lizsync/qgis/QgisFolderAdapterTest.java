package io.lizsync.qgis;

import static io.lizsync.qgis.Fixtures.CENTRAL;
import static io.lizsync.qgis.Fixtures.CLONE;
import static io.lizsync.qgis.Fixtures.xpath;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QgisFolderAdapterTest {

    static final String POI_CLONE = "dbname='geopoppy' host=localhost port=5432 user='field' sslmode=disable key='id' srid=2154 "
            + "type=Point checkPrimaryKeyUnicity='1' table=\"survey\".\"poi\" (geom) sql=\"kind\" = 'a=b' AND \"label\" <> 'it''s'";
    static final String KIND_CLONE = "dbname='geopoppy' host=localhost port=5432 user='field' authcfg=lz7q1xa key='code' "
            + "checkPrimaryKeyUnicity='1' table=\"survey\".\"we\\\"ird kind\"";
    static final String STATUS_CLONE = "dbname='geopoppy' host=localhost port=5432 user='field' key='code' "
            + "checkPrimaryKeyUnicity='1' table=\"survey\".\"status\" sql=";
    static final String COMMUNES = "dbname='referential' host=central.example port=5432 user='reader' key='id' srid=2154 "
            + "type=MultiPolygon checkPrimaryKeyUnicity='1' table=\"ref\".\"communes\" (geom)";

    final QgisFolderAdapter adapter = new QgisFolderAdapter();

    @Test
    void everyCopyOfTheCentralConnectionInAProjectIsRewritten(@TempDir Path dir) throws Exception {
        Path qgs = Fixtures.copy("demo.qgs", dir, "demo.qgs");
        Fixtures.copy("base/base.qgs", dir, "base/base.qgs");

        AdaptReport report = adapter.adaptFolder(dir, CENTRAL, CLONE);

        assertEquals(List.of("base/base.qgs", "demo.qgs"), report.projectsAdapted());
        assertEquals(7 + 2, report.dataSourcesRewritten());
        assertEquals(7, report.rewrittenIn("demo.qgs"));
        assertEquals(2, report.rewrittenIn("base/base.qgs"));
        assertEquals(List.of(), report.skipped());
        byte[] out = Files.readAllBytes(qgs);
        assertEquals(List.of(POI_CLONE, KIND_CLONE, COMMUNES, "./media/photos.gpkg|layername=photos",
                "dbname='gis' host=central.example port=5432 table=\"cache\" (geom)"),
                xpath(out, "//maplayer/datasource"), "postgres layers of central rewritten, referential, ogr and spatialite left alone");
        assertEquals(List.of(POI_CLONE, KIND_CLONE, COMMUNES, "./media/photos.gpkg|layername=photos"),
                xpath(out, "//layer-tree-layer/@source"));
        assertEquals(List.of(KIND_CLONE), xpath(out, "//referencedLayers/relation/@dataSource"));
        assertEquals(List.of(KIND_CLONE), xpath(out, "//Option[@name='ReferencedLayerDataSource']/@value"));
        assertEquals(List.of(STATUS_CLONE, COMMUNES), xpath(out, "//Option[@name='LayerSource']/@value"));
        String text = new String(out, StandardCharsets.UTF_8);
        assertFalse(text.contains("s3cr"), "no password written");
        assertFalse(text.contains("central.example port=5432 user='editor'"));
    }

    @Test
    void theProjectKeepsItsLayersItsOtherSettingsAndItsBackup(@TempDir Path dir) throws Exception {
        Path qgs = Fixtures.copy("demo.qgs", dir, "demo.qgs");
        byte[] original = Files.readAllBytes(qgs);

        adapter.adaptFolder(dir, CENTRAL, CLONE);

        byte[] out = Files.readAllBytes(qgs);
        assertArrayEquals(original, Files.readAllBytes(dir.resolve("demo.qgs" + QgisFolderAdapter.BACKUP_SUFFIX)));
        assertEquals(xpath(original, "//maplayer/id"), xpath(out, "//maplayer/id"));
        assertEquals(xpath(original, "//maplayer/@id"), xpath(out, "//maplayer/@id"), "the embedded layer is still there");
        assertEquals(xpath(original, "//layer-tree-layer/@id"), xpath(out, "//layer-tree-layer/@id"));
        assertEquals(xpath(original, "//*").size(), xpath(out, "//*").size());
        assertEquals(List.of("\"kind\" IS NOT NULL\nAND \"label\" <> ''"), xpath(out, "//constraint/@exp"),
                "a line break inside an attribute survives");
        assertEquals(List.of("\"active\" = true\nAND \"code\" <> 'x'"), xpath(out, "//Option[@name='FilterExpression']/@value"));
        assertEquals(xpath(original, "//mapTip"), xpath(out, "//mapTip"));
        assertEquals(xpath(original, "//wkt"), xpath(out, "//wkt"));
        String text = new String(out, StandardCharsets.UTF_8);
        assertTrue(text.startsWith("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis projectname=\"Field survey\" saveDateTime="),
                "doctype and attribute order kept");
        // every line that held no central connection is unchanged
        List<String> before = List.of(new String(original, StandardCharsets.UTF_8).split("\n"));
        List<String> after = List.of(text.split("\n"));
        assertEquals(before.size(), after.size());
        int changed = 0;
        for (int i = 0; i < before.size(); i++) {
            if (!before.get(i).equals(after.get(i))) {
                changed++;
                assertTrue(before.get(i).contains("host=central.example"), "line " + (i + 1) + " changed: " + after.get(i));
            }
        }
        assertEquals(7, changed);
    }

    @Test
    void aProjectPointingAtNothingOfCentralIsNotTouched(@TempDir Path dir) throws Exception {
        Path qgs = Fixtures.copy("demo.qgs", dir, "demo.qgs");
        FileTime before = FileTime.fromMillis(1_600_000_000_000L);
        Files.setLastModifiedTime(qgs, before);

        AdaptReport report = adapter.adaptFolder(dir, PgTarget.of("elsewhere.example", 5432, "gis", "x"), CLONE);

        assertEquals(List.of(), report.projectsAdapted());
        assertEquals(List.of("demo.qgs"), report.unchanged());
        assertEquals(before, Files.getLastModifiedTime(qgs));
        assertFalse(Files.exists(dir.resolve("demo.qgs" + QgisFolderAdapter.BACKUP_SUFFIX)));
    }

    @Test
    void aSecondRunChangesNothingAndKeepsTheBackupOfCentralsVersion(@TempDir Path dir) throws Exception {
        Path qgs = Fixtures.copy("demo.qgs", dir, "demo.qgs");
        byte[] original = Files.readAllBytes(qgs);
        adapter.adaptFolder(dir, CENTRAL, CLONE);
        byte[] first = Files.readAllBytes(qgs);

        AdaptReport again = adapter.adaptFolder(dir, CENTRAL, CLONE);

        assertEquals(List.of("demo.qgs"), again.unchanged());
        assertEquals(0, again.dataSourcesRewritten());
        assertArrayEquals(first, Files.readAllBytes(qgs));
        assertArrayEquals(original, Files.readAllBytes(dir.resolve("demo.qgs" + QgisFolderAdapter.BACKUP_SUFFIX)));
    }

    @Test
    void aQgzHasItsProjectRewrittenAndItsOtherEntriesKeptByteForByte(@TempDir Path dir) throws Exception {
        byte[] qgd = new byte[200_000];
        new Random(7).nextBytes(qgd);
        byte[] archive = Fixtures.qgz("demo.qgs", Fixtures.resource("demo.qgs"), qgd);
        Files.write(dir.resolve("demo.qgz"), archive);

        AdaptReport report = adapter.adaptFolder(dir, CENTRAL, CLONE);

        assertEquals(List.of("demo.qgz"), report.projectsAdapted());
        assertEquals(7, report.dataSourcesRewritten());
        Map<String, byte[]> entries = Fixtures.entries(Files.readAllBytes(dir.resolve("demo.qgz")));
        assertEquals(List.of("demo.qgs", "demo.qgd"), List.copyOf(entries.keySet()));
        assertArrayEquals(qgd, entries.get("demo.qgd"));
        assertEquals(List.of(POI_CLONE, KIND_CLONE, COMMUNES, "./media/photos.gpkg|layername=photos",
                "dbname='gis' host=central.example port=5432 table=\"cache\" (geom)"),
                xpath(entries.get("demo.qgs"), "//maplayer/datasource"));
        assertArrayEquals(archive, Files.readAllBytes(dir.resolve("demo.qgz" + QgisFolderAdapter.BACKUP_SUFFIX)));
    }

    @Test
    void layerDefinitionsAndStylesAreAdaptedToo(@TempDir Path dir) throws Exception {
        Fixtures.copy("kinds.qlr", dir, "layers/kinds.qlr");
        Fixtures.copy("poi.qml", dir, "styles/poi.qml");

        AdaptReport report = adapter.adaptFolder(dir, CENTRAL, CLONE);

        assertEquals(List.of("layers/kinds.qlr", "styles/poi.qml"), report.projectsAdapted());
        assertEquals(4, report.dataSourcesRewritten());
        byte[] qlr = Files.readAllBytes(dir.resolve("layers/kinds.qlr"));
        String kind = "dbname='geopoppy' host=localhost port=5432 user='field' key='code' checkPrimaryKeyUnicity='1' table=\"survey\".\"kind\"";
        assertEquals(List.of(kind), xpath(qlr, "//maplayer/datasource"));
        assertEquals(List.of(kind), xpath(qlr, "//layer-tree-layer/@source"));
        assertTrue(new String(qlr, StandardCharsets.UTF_8).startsWith("<!DOCTYPE qgis-layer-definition>\n<qlr>"));
        byte[] qml = Files.readAllBytes(dir.resolve("styles/poi.qml"));
        assertEquals(List.of(kind), xpath(qml, "//relation/@dataSource"));
        assertEquals(List.of("dbname='geopoppy' host=localhost port=5432 user='field' key='code' checkPrimaryKeyUnicity='1' table=\"survey\".\"status\""),
                xpath(qml, "//Option[@name='LayerSource']/@value"), "no provider named: decided by the string");
    }

    @Test
    void aBrokenProjectIsSkippedAndReportedAndTheOthersAreDone(@TempDir Path dir) throws Exception {
        Fixtures.copy("demo.qgs", dir, "demo.qgs");
        Fixtures.copy("base/base.qgs", dir, "base/base.qgs");
        Files.writeString(dir.resolve("broken.qgs"), "<qgis><projectlayers><maplayer>");
        Files.writeString(dir.resolve("notxml.qgs"), "SQLite format 3\u0000");
        Files.write(dir.resolve("garbage.qgz"), "PK\u0003\u0004 not really a zip".getBytes(StandardCharsets.ISO_8859_1));
        Files.write(dir.resolve("noproject.qgz"), Fixtures.qgz("notes.txt", "hello".getBytes(StandardCharsets.UTF_8), new byte[3]));
        Files.write(dir.resolve("badentry.qgz"), Fixtures.qgz("bad.qgs", "<qgis><oops></qgis>".getBytes(StandardCharsets.UTF_8), new byte[3]));
        Files.write(dir.resolve("escape.qgz"), Fixtures.qgz("../escape.qgs", Fixtures.resource("demo.qgs"), new byte[3]));
        byte[] garbage = Files.readAllBytes(dir.resolve("garbage.qgz"));

        AdaptReport report = adapter.adaptFolder(dir, CENTRAL, CLONE);

        assertEquals(List.of("base/base.qgs", "demo.qgs"), report.projectsAdapted());
        assertEquals(List.of("badentry.qgz", "broken.qgs", "escape.qgz", "garbage.qgz", "noproject.qgz", "notxml.qgs"),
                report.skipped().stream().map(AdaptReport.Skipped::file).toList());
        Map<String, String> reasons = new java.util.HashMap<>();
        report.skipped().forEach(s -> reasons.put(s.file(), s.reason()));
        assertTrue(reasons.get("broken.qgs").startsWith("not well-formed XML"), reasons.get("broken.qgs"));
        assertTrue(reasons.get("badentry.qgz").startsWith("bad archive entry bad.qgs: not well-formed XML"), reasons.get("badentry.qgz"));
        assertEquals("bad archive: no .qgs entry", reasons.get("noproject.qgz"));
        assertEquals("bad archive entry name: ../escape.qgs", reasons.get("escape.qgz"));
        assertTrue(reasons.get("garbage.qgz").startsWith("bad archive"), reasons.get("garbage.qgz"));
        assertArrayEquals(garbage, Files.readAllBytes(dir.resolve("garbage.qgz")), "a skipped file is left as it was");
        assertFalse(Files.exists(dir.resolve("broken.qgs" + QgisFolderAdapter.BACKUP_SUFFIX)));
        assertEquals("2 projects adapted (9 data sources), 0 unchanged, 6 skipped", report.summary());
    }

    @Test
    void ogrPgLayersAndVirtualLayersOfCentralAreRewrittenToo(@TempDir Path dir) throws Exception {
        String ogr = "PG:dbname='gis' host=central.example port=5432 user='editor' password='s3cr' sslmode=disable"
                + "|layername=survey.poi";
        String virtual = "?layer=postgres:dbname%3D%27gis%27%20host%3Dcentral.example%20port%3D5432%20user%3D%27editor%27"
                + "%20password%3D%27s3cr%27%20key%3D%27id%27%20table%3D%22survey%22.%22poi%22%20%28geom%29:poi:UTF-8"
                + "&amp;query=SELECT%20*%20FROM%20poi&amp;uid=id";
        Files.writeString(dir.resolve("mixed.qgs"), "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
                + "<qgis version=\"3.34.0\">\n <layer-tree-group>\n  <layer-tree-layer id=\"poi_ogr\" providerKey=\"ogr\" source=\""
                + ogr + "\"/>\n </layer-tree-group>\n <projectlayers>\n  <maplayer>\n   <id>poi_ogr</id>\n"
                + "   <datasource>" + ogr + "</datasource>\n   <provider encoding=\"UTF-8\">ogr</provider>\n  </maplayer>\n"
                + "  <maplayer>\n   <id>poi_virtual</id>\n   <datasource>" + virtual + "</datasource>\n"
                + "   <provider>virtual</provider>\n  </maplayer>\n </projectlayers>\n</qgis>\n");

        AdaptReport report = adapter.adaptFolder(dir, CENTRAL, CLONE);

        assertEquals(3, report.rewrittenIn("mixed.qgs"));
        byte[] out = Files.readAllBytes(dir.resolve("mixed.qgs"));
        String cloneOgr = "PG:dbname='geopoppy' host=localhost port=5432 user='field' sslmode=disable|layername=survey.poi";
        assertEquals(List.of(cloneOgr), xpath(out, "//layer-tree-layer/@source"));
        assertEquals(List.of(cloneOgr, "?layer=postgres:dbname%3D%27geopoppy%27%20host%3Dlocalhost%20port%3D5432%20user%3D"
                + "%27field%27%20key%3D%27id%27%20table%3D%22survey%22.%22poi%22%20%28geom%29:poi:UTF-8"
                + "&query=SELECT%20*%20FROM%20poi&uid=id"), xpath(out, "//maplayer/datasource"));
        assertFalse(new String(out, StandardCharsets.UTF_8).contains("s3cr"), "no password written");
    }

    @Test
    void anExternalEntityIsNeverRead(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "TOP-SECRET");
        Files.writeString(dir.resolve("xxe.qgs"), "<!DOCTYPE qgis [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>\n"
                + "<qgis><projectlayers><maplayer><datasource>dbname='gis' host=central.example &x;</datasource>"
                + "<provider>postgres</provider></maplayer></projectlayers></qgis>");

        AdaptReport report = adapter.adaptFolder(dir, CENTRAL, CLONE);

        assertEquals(List.of("xxe.qgs"), report.skipped().stream().map(AdaptReport.Skipped::file).toList());
        assertFalse(new String(Files.readAllBytes(dir.resolve("xxe.qgs")), StandardCharsets.UTF_8).contains("TOP-SECRET"));
    }

    @Test
    void embeddedProjectsOutsideTheFolderOrMissingAreReported(@TempDir Path dir) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("projects"));
        Fixtures.copy("demo.qgs", folder, "demo.qgs");
        // ./base/base.qgs is missing here

        AdaptReport report = adapter.adaptFolder(folder, CENTRAL, CLONE);

        assertEquals(List.of(new AdaptReport.Skipped("demo.qgs", "embedded project ./base/base.qgs is missing: not adapted")),
                report.skipped());
        Files.writeString(folder.resolve("other.qgs"), "<qgis><projectlayers><maplayer embedded=\"1\" project=\"../../shared/base.qgs\" id=\"a\"/></projectlayers></qgis>");
        AdaptReport second = adapter.adaptFolder(folder, CENTRAL, CLONE);
        assertTrue(second.skipped().contains(new AdaptReport.Skipped("other.qgs",
                "embedded project ../../shared/base.qgs is outside the folder: not adapted")), second.skipped().toString());
    }

    @Test
    void aServiceNameCanBeTheClonesConnection(@TempDir Path dir) throws Exception {
        Path qlr = Fixtures.copy("kinds.qlr", dir, "kinds.qlr");

        adapter.adaptFolder(dir, CENTRAL, PgTarget.ofService("geopoppy"));

        assertEquals(List.of("service='geopoppy' key='code' checkPrimaryKeyUnicity='1' table=\"survey\".\"kind\""),
                xpath(Files.readAllBytes(qlr), "//maplayer/datasource"));
    }

    @Test
    void notAFolderIsAClearError(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("x.qgs"), "<qgis/>");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> adapter.adaptFolder(file, CENTRAL, CLONE));
        assertTrue(e.getMessage().startsWith("not a folder"));
    }
}
