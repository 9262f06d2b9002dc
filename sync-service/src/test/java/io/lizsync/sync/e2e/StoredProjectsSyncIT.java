package io.lizsync.sync.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * QGIS projects stored in PostgreSQL (a synchronised {@code qgis_projects} table, content a .qgz)
 * reach a clone adapted to its database (ADR 0023): the sidecar rewrites what the pull wrote, with
 * capture off, so the clone's copy is never sent back and central keeps its own.
 */
class StoredProjectsSyncIT {

    /**
     * QGIS's table (name, metadata, content: QGIS writes the three first columns by position and
     * upserts ON CONFLICT (name)) made synchronisable: the engine keeps a table's primary key local
     * (LizSync's table rules: a local serial key, the uid as pivot) and never sends it, so QGIS's own
     * "name PRIMARY KEY" becomes UNIQUE beside a serial key and the uid.
     */
    static final String DDL = """
            CREATE SCHEMA survey;
            CREATE TABLE survey.qgis_projects (name text NOT NULL UNIQUE, metadata jsonb, content bytea,
                id serial PRIMARY KEY, uid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid());
            """;
    static final String CENTRAL_SOURCE = "dbname='gis' host=central.example port=5432 user='editor' key='id' "
            + "checkPrimaryKeyUnicity='1' table=\"survey\".\"site\" (geom)";
    static final String CLONE_SOURCE = "service='geopoppy' key='id' checkPrimaryKeyUnicity='1' table=\"survey\".\"site\" (geom)";

    /** CLONE_SOURCE turned back by the sidecar's central target (host, port, dbname: no user named). */
    static final String CENTRAL_AS_WRITTEN = "dbname='gis' host=central.example port=5432 key='id' checkPrimaryKeyUnicity='1' "
            + "table=\"survey\".\"site\" (geom)";

    static Mesh mesh;

    @BeforeAll
    static void start() throws Exception {
        mesh = Mesh.start(DDL, "survey", List.<String[]>of(new String[] {"survey", "qgis_projects"}), "clone-a");
        mesh.sidecars.get("clone-a").restart(Map.of(
                "LIZSYNC_SYNC_QGIS_PROJECTS_CENTRAL", "host=central.example port=5432 dbname=gis",
                "LIZSYNC_SYNC_QGIS_PROJECTS_CLONE", "service=geopoppy"));
    }

    @AfterAll
    static void stop() {
        if (mesh != null) {
            mesh.close();
        }
    }

    static byte[] qgz(String source) throws Exception {
        String qgs = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis projectname=\"Survey\">\n"
                + "  <projectlayers>\n    <maplayer type=\"vector\">\n      <id>site_1</id>\n      <datasource>"
                + source + "</datasource>\n      <provider encoding=\"UTF-8\">postgres</provider>\n    </maplayer>\n"
                + "  </projectlayers>\n</qgis>\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("survey.qgs"));
            zip.write(qgs.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("survey.qgd"));
            zip.write(new byte[] {1, 2, 3});
            zip.closeEntry();
        }
        return out.toByteArray();
    }

    static String datasource(String node) throws Exception {
        return datasource(node, "survey");
    }

    static String datasource(String node, String project) throws Exception {
        try (Connection c = mesh.db(node).connect();
             PreparedStatement ps = c.prepareStatement("SELECT content FROM survey.qgis_projects WHERE name = ?")) {
            ps.setString(1, project);
            try (ResultSet rs = ps.executeQuery();
                 ZipInputStream zin = new ZipInputStream(new ByteArrayInputStream(next(rs, project + " on " + node)))) {
                for (ZipEntry e; (e = zin.getNextEntry()) != null; ) {
                    if (e.getName().equals("survey.qgs")) {
                        String qgs = new String(zin.readAllBytes(), StandardCharsets.UTF_8);
                        return qgs.substring(qgs.indexOf("<datasource>") + 12, qgs.indexOf("</datasource>"));
                    }
                }
            }
        }
        throw new AssertionError("no .qgs entry on " + node);
    }

    static byte[] next(ResultSet rs, String what) throws java.sql.SQLException {
        assertTrue(rs.next(), "no project " + what);
        return rs.getBytes(1);
    }

    @Test
    void aProjectSavedOnTheCloneReachesCentralWithCentralsConnection() throws Exception {
        try (Connection c = mesh.db("clone-a").connect();
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO survey.qgis_projects (name, metadata, content) VALUES ('field-edits', '{}', ?)")) {
            ps.setBytes(1, qgz(CLONE_SOURCE));
            ps.executeUpdate();
        }

        var sync = mesh.sync("clone-a");
        assertEquals(1, sync.getStatus());

        assertEquals(CENTRAL_AS_WRITTEN, datasource("central", "field-edits"));
        assertEquals(CLONE_SOURCE, datasource("clone-a", "field-edits"), "the clone keeps its own connection");
        var again = mesh.sync("clone-a");
        assertEquals(0, again.getNumberReplayedToCentral());
        assertEquals(0, again.getNumberReplayedToClone(), "central's copy never comes back");
        assertEquals(CLONE_SOURCE, datasource("clone-a", "field-edits"));
    }

    @Test
    void aPulledProjectIsAdaptedToTheCloneAndNeverSentBack() throws Exception {
        try (Connection c = mesh.db("central").connect();
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO survey.qgis_projects (name, metadata, content) VALUES ('survey', '{}', ?)")) {
            ps.setBytes(1, qgz(CENTRAL_SOURCE));
            ps.executeUpdate();
        }

        assertEquals(1, mesh.sync("clone-a").getStatus());

        assertEquals(CLONE_SOURCE, datasource("clone-a"));
        assertEquals("0", mesh.one("clone-a", "SELECT count(*) FROM audit.logged_actions"), "the rewrite was not captured");
        assertTrue(mesh.sidecars.get("clone-a").logCount("1 stored QGIS project(s) adapted to this clone") > 0);
        var again = mesh.sync("clone-a");
        assertEquals(1, again.getStatus());
        assertEquals(0, again.getNumberReplayedToCentral());
        assertEquals(CENTRAL_SOURCE, datasource("central"));
    }
}
