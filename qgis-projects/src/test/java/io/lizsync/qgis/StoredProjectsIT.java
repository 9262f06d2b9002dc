package io.lizsync.qgis;

import static io.lizsync.qgis.Fixtures.CENTRAL;
import static io.lizsync.qgis.Fixtures.CLONE;
import static io.lizsync.qgis.Fixtures.xpath;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lizsync.testkit.PgCluster;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Projects stored in PostgreSQL the way QGIS stores them, adapted in place on a real server. */
class StoredProjectsIT {

    static PgCluster pg;

    @BeforeAll
    static void start() {
        pg = PgCluster.start("qgis-stored");
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void everyStoredProjectPointingAtCentralIsRewrittenInTheCallersTransaction() throws Exception {
        byte[] qgd = new byte[50_000];
        new Random(3).nextBytes(qgd);
        byte[] demo = Fixtures.qgz("demo.qgs", Fixtures.resource("demo.qgs"), qgd);
        byte[] other = Fixtures.qgz("other.qgs",
                "<qgis><projectlayers/></qgis>".getBytes(StandardCharsets.UTF_8), new byte[10]);
        byte[] bad = "not a zip".getBytes(StandardCharsets.UTF_8);
        try (Connection c = pg.connect()) {
            try (Statement s = c.createStatement()) {
                // QGIS's own DDL for project storage, in two schemas (one needing quotes)
                s.execute("CREATE SCHEMA survey; CREATE SCHEMA \"Odd \"\"schema\"");
                s.execute("CREATE TABLE survey.qgis_projects(name TEXT PRIMARY KEY, metadata JSONB, content BYTEA)");
                s.execute("CREATE TABLE \"Odd \"\"schema\".qgis_projects(name TEXT PRIMARY KEY, metadata JSONB, content BYTEA)");
                s.execute("CREATE TABLE public.qgis_projects(name TEXT PRIMARY KEY, content TEXT)"); // not QGIS's: ignored
            }
            insert(c, "survey", "demo", demo);
            insert(c, "survey", "other", other);
            insert(c, "Odd \"schema", "broken", bad);
            c.setAutoCommit(false);

            StoredProjects stored = new StoredProjects();
            assertEquals(List.of("Odd \"schema", "survey"), stored.schemasWithProjects(c));
            AdaptReport report = stored.adaptAll(c, CENTRAL, CLONE);
            c.commit();

            assertEquals(List.of("survey/demo"), report.projectsAdapted());
            assertEquals(7, report.dataSourcesRewritten());
            assertEquals(7, report.rewrittenIn("survey/demo"));
            assertEquals(List.of("survey/other"), report.unchanged());
            assertEquals(List.of("Odd \"schema/broken"), report.skipped().stream().map(AdaptReport.Skipped::file).toList());
            Map<String, byte[]> entries = Fixtures.entries(content(c, "survey", "demo"));
            assertArrayEquals(qgd, entries.get("demo.qgd"));
            assertEquals(List.of(QgisFolderAdapterTest.POI_CLONE, QgisFolderAdapterTest.KIND_CLONE),
                    xpath(entries.get("demo.qgs"), "//maplayer/datasource").subList(0, 2));
            assertArrayEquals(other, content(c, "survey", "other"));
            assertArrayEquals(bad, content(c, "Odd \"schema", "broken"));
        }
    }

    private static void insert(Connection c, String schema, String name, byte[] content) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + io.lizsync.sql.Sql.qualified(schema, "qgis_projects")
                + "(name, metadata, content) VALUES (?, '{\"last_modified_user\": \"geo\"}', ?)")) {
            ps.setString(1, name);
            ps.setBytes(2, content);
            ps.executeUpdate();
        }
    }

    private static byte[] content(Connection c, String schema, String name) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("SELECT content FROM " + io.lizsync.sql.Sql.qualified(schema, "qgis_projects")
                + " WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBytes(1);
            }
        }
    }
}
