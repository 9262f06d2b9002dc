package io.lizsync.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lizsync.testkit.ToolsVersions;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class InstallIT extends DatabaseFixture {

    @Test
    void freshInstallCreatesBothSchemasAndRecordsTheLatestVersion() throws Exception {
        DataSource ds = newDatabase();
        var installer = new ToolsInstaller(ds);
        var outcome = installer.install(false, false, null);
        assertTrue(outcome.ok(), outcome.message());
        assertEquals(ToolsVersions.current(), outcome.installedVersion());
        assertEquals(ToolsVersions.all(), outcome.appliedVersions());
        assertEquals(ToolsVersions.current(), one(ds, "SELECT lizsync.tools_version()"));
        assertEquals("t", one(ds, "SELECT to_regclass('audit.logged_actions') IS NOT NULL"));
        assertEquals("t", one(ds, "SELECT to_regclass('lizsync.conflicts') IS NOT NULL"));
        assertTrue(installer.status().pendingVersions().isEmpty());
    }

    @Test
    void refusesWhenSchemasExistAndChangesNothing() throws Exception {
        DataSource ds = newDatabase();
        var installer = new ToolsInstaller(ds);
        assertTrue(installer.install(false, false, null).ok());
        exec(ds, "INSERT INTO lizsync.server_metadata (server_name) VALUES ('central')");

        var refused = installer.install(false, false, null);
        assertFalse(refused.ok());
        assertTrue(refused.message().contains("schema audit already exists"), refused.message());
        assertTrue(refused.message().contains("schema lizsync already exists"), refused.message());
        assertEquals("1", one(ds, "SELECT count(*) FROM lizsync.server_metadata"));

        // Overriding only one of the two is still refused: the other schema is kept.
        var half = installer.install(true, false, null);
        assertFalse(half.ok());
        assertFalse(half.message().contains("schema audit"), half.message());
        assertEquals("1", one(ds, "SELECT count(*) FROM lizsync.server_metadata"));
    }

    @Test
    void refusesAnExistingAuditSchemaAlone() throws Exception {
        DataSource ds = newDatabase();
        exec(ds, "CREATE SCHEMA audit", "CREATE TABLE audit.keep (x int)", "INSERT INTO audit.keep VALUES (42)");
        var outcome = new ToolsInstaller(ds).install(false, false, null);
        assertFalse(outcome.ok());
        assertTrue(outcome.message().contains("schema audit already exists"), outcome.message());
        assertEquals("42", one(ds, "SELECT x FROM audit.keep"));
        assertEquals("f", one(ds, "SELECT to_regnamespace('lizsync') IS NOT NULL"));
    }

    @Test
    void overrideDropsTheOldSchemasAndTheirData() throws Exception {
        DataSource ds = newDatabase();
        var installer = new ToolsInstaller(ds);
        assertTrue(installer.install(false, false, null).ok());
        exec(ds, "INSERT INTO lizsync.server_metadata (server_name) VALUES ('central')");
        var outcome = installer.install(true, true, null);
        assertTrue(outcome.ok(), outcome.message());
        assertTrue(outcome.message().startsWith("Dropped schema(s) audit, lizsync."), outcome.message());
        assertEquals("0", one(ds, "SELECT count(*) FROM lizsync.server_metadata"));
        assertEquals(ToolsVersions.current(), one(ds, "SELECT lizsync.tools_version()"));
    }

    @Test
    void installsAnOlderTargetVersionAndRefusesUnknownOnes() throws Exception {
        DataSource ds = newDatabase();
        var installer = new ToolsInstaller(ds);
        var unknown = installer.install(false, false, "99");
        assertFalse(unknown.ok());
        assertTrue(unknown.message().contains("Unknown tools version '99'"), unknown.message());
        assertFalse(installer.status().lizsyncExists());

        var v1 = installer.install(false, false, "1");
        assertTrue(v1.ok(), v1.message());
        assertEquals("1", v1.installedVersion());
        assertEquals(ToolsVersions.after("1"), v1.pendingVersions());
        assertEquals("f", one(ds, "SELECT to_regclass('lizsync.ticks') IS NOT NULL"));
    }

    @Test
    void statusOfAnEmptyDatabase() throws Exception {
        DataSource ds = newDatabase();
        var status = new ToolsInstaller(ds).status();
        assertFalse(status.installed());
        assertNull(status.installedVersion());
        assertEquals(ToolsVersions.current(), status.latestVersion());
        assertEquals(ToolsVersions.all(), status.pendingVersions());
    }
}
