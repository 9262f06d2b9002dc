package io.lizsync.sync.clone.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lizsync.qgis.PgTarget;
import io.lizsync.sync.engine.NetChange;
import io.lizsync.sync.engine.TableRef;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

class StoredProjectPushTest {

    static final PgTarget CENTRAL = PgTarget.parse("host=central.example port=5432 dbname=gis user=editor");
    static final PgTarget CLONE = PgTarget.parse("service=geopoppy");
    static final String CLONE_SOURCE = "service='geopoppy' key='id' checkPrimaryKeyUnicity='1' table=\"survey\".\"site\" (geom)";
    static final String OTHER_SOURCE = "dbname='weather' host=other.example port=5432 key='id' table=\"w\".\"rain\" (geom)";
    static final byte[] AUX = {9, 8, 7, 0, 1};

    static byte[] qgz(String source) throws Exception {
        String qgs = "<qgis projectname=\"Survey\"><projectlayers><maplayer type=\"vector\"><id>site_1</id><datasource>"
                + source.replace("\"", "&quot;") + "</datasource><provider encoding=\"UTF-8\">postgres</provider>"
                + "</maplayer></projectlayers></qgis>\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("survey.qgs"));
            zip.write(qgs.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("survey_attachments.qgd"));
            zip.write(AUX);
            zip.closeEntry();
        }
        return out.toByteArray();
    }

    static Map<String, byte[]> entries(String hex) throws Exception {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream zin = new ZipInputStream(new ByteArrayInputStream(HexFormat.of().parseHex(hex.substring(2))))) {
            for (ZipEntry e; (e = zin.getNextEntry()) != null; ) {
                out.put(e.getName(), zin.readAllBytes());
            }
        }
        return out;
    }

    static NetChange change(String table, NetChange.Kind kind, String content) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("name", "survey");
        if (content != null) {
            values.put("content", content);
        }
        values.put("metadata", "{}");
        return new NetChange(new TableRef("survey", table), "3f1c0000-0000-4000-8000-000000000001", kind, values,
                Map.of(), Map.of(), Map.of(), "clone-a", Instant.EPOCH, 1, 2, List.of(1L, 2L));
    }

    static String hex(byte[] b) {
        return "\\x" + HexFormat.of().formatHex(b);
    }

    @Test
    void aProjectSavedOnTheCloneReachesCentralWithCentralsConnection() throws Exception {
        List<String> problems = new ArrayList<>();
        NetChange in = change("qgis_projects", NetChange.Kind.UPSERT, hex(qgz(CLONE_SOURCE)));

        NetChange out = StoredProjectPush.towardsCentral(in, CLONE, CENTRAL, problems::add);

        Map<String, byte[]> entries = entries(out.values().get("content"));
        String qgs = new String(entries.get("survey.qgs"), StandardCharsets.UTF_8);
        String source = qgs.substring(qgs.indexOf("<datasource>") + 12, qgs.indexOf("</datasource>"));
        assertEquals("dbname='gis' host=central.example port=5432 user='editor' key='id' checkPrimaryKeyUnicity='1' "
                + "table=\"survey\".\"site\" (geom)", source, "central's connection, every other key kept");
        assertEquals(List.of(AUX[0], AUX[1], AUX[2], AUX[3], AUX[4]), boxed(entries.get("survey_attachments.qgd")));
        assertEquals(List.of("name", "content", "metadata"), List.copyOf(out.values().keySet()), "column order kept");
        assertEquals(in.uid(), out.uid());
        assertEquals(in.eventIds(), out.eventIds());
        assertEquals(List.of(), problems);
    }

    @Test
    void otherChangesPassUntouched() throws Exception {
        List<String> problems = new ArrayList<>();
        NetChange otherTable = change("site", NetChange.Kind.UPSERT, hex(qgz(CLONE_SOURCE)));
        NetChange delete = change("qgis_projects", NetChange.Kind.DELETE, hex(qgz(CLONE_SOURCE)));
        NetChange noContent = change("qgis_projects", NetChange.Kind.UPDATE, null);
        NetChange otherDatabase = change("qgis_projects", NetChange.Kind.UPDATE, hex(qgz(OTHER_SOURCE)));

        assertSame(otherTable, StoredProjectPush.towardsCentral(otherTable, CLONE, CENTRAL, problems::add));
        assertSame(delete, StoredProjectPush.towardsCentral(delete, CLONE, CENTRAL, problems::add));
        assertSame(noContent, StoredProjectPush.towardsCentral(noContent, CLONE, CENTRAL, problems::add));
        assertSame(otherDatabase, StoredProjectPush.towardsCentral(otherDatabase, CLONE, CENTRAL, problems::add));
        assertEquals(List.of(), problems);
    }

    @Test
    void anUnreadableProjectIsSentAsItIsAndSaidWhy() {
        List<String> problems = new ArrayList<>();
        NetChange notZip = change("qgis_projects", NetChange.Kind.UPSERT, hex("not a zip".getBytes(StandardCharsets.UTF_8)));
        NetChange notHex = change("qgis_projects", NetChange.Kind.UPSERT, "plain text");

        assertSame(notZip, StoredProjectPush.towardsCentral(notZip, CLONE, CENTRAL, problems::add));
        assertSame(notHex, StoredProjectPush.towardsCentral(notHex, CLONE, CENTRAL, problems::add));
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("\"survey\".\"qgis_projects\"") && problems.get(0).contains("sent as it is"),
                problems.get(0));
    }

    static List<Byte> boxed(byte[] b) {
        List<Byte> out = new ArrayList<>();
        for (byte x : b) {
            out.add(x);
        }
        return out;
    }
}
