package io.lizsync.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lizsync.testkit.ToolsVersions;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class UpgradeIT extends DatabaseFixture {

    private static final String SNAPSHOT_OF_DATA = """
            SELECT (SELECT string_agg(format('%s|%s|%s|%s', id, uid, name, ST_AsEWKT(geom)), ';' ORDER BY id) FROM field.site)
                || '#' || (SELECT string_agg(format('%s|%s|%s|%s|%s', event_id, action, uid, row_data, changed_fields), ';' ORDER BY event_id)
                           FROM audit.logged_actions)
                || '#' || (SELECT string_agg(server_name, ';') FROM lizsync.server_metadata)
                || '#' || (SELECT count(*) FROM lizsync.history)""";

    @Test
    void upgradeFromTheFirstVersionKeepsEveryRow() throws Exception {
        DataSource ds = newDatabase();
        var installer = new ToolsInstaller(ds);
        assertTrue(installer.install(false, false, "1").ok());
        exec(ds, "CREATE SCHEMA field",
                "CREATE TABLE field.site (id serial PRIMARY KEY, name text, geom geometry(Point, 2154))");
        var prepared = new Preparer(ds).prepare(new Preparer.Request(true, true, true, List.of("field"), null));
        assertTrue(prepared.ok(), prepared.message());
        exec(ds, "INSERT INTO field.site (name, geom) SELECT 'site ' || g, ST_SetSRID(ST_MakePoint(g, g * 2), 2154) FROM generate_series(1, 50) g",
                "UPDATE field.site SET name = name || ' (checked)' WHERE id % 5 = 0",
                "DELETE FROM field.site WHERE id = 7",
                "INSERT INTO lizsync.history (server_from, sync_type) SELECT server_id, 'full' FROM lizsync.server_metadata");
        String before = one(ds, SNAPSHOT_OF_DATA);

        var dryRun = installer.upgrade(false);
        assertFalse(dryRun.ok());
        assertTrue(dryRun.message().startsWith("Nothing done"), dryRun.message());
        assertEquals("1", one(ds, "SELECT lizsync.tools_version()"));

        var upgraded = installer.upgrade(true);
        assertTrue(upgraded.ok(), upgraded.message());
        assertEquals("1", upgraded.previousVersion());
        assertEquals(ToolsVersions.current(), upgraded.installedVersion());
        assertEquals(ToolsVersions.after("1"), upgraded.appliedVersions());
        assertEquals(before, one(ds, SNAPSHOT_OF_DATA));
        assertEquals("t", one(ds, "SELECT to_regclass('lizsync.ticks') IS NOT NULL"));

        // Capture still works after the upgrade, and a second upgrade is a no-op.
        exec(ds, "UPDATE field.site SET name = 'renamed' WHERE id = 1");
        assertEquals("1", one(ds, "SELECT count(*) FROM audit.logged_actions WHERE changed_fields -> 'name' = 'renamed'"));
        // The capture trigger of a table prepared before V8 got V8's WHEN condition, and it holds.
        assertEquals("t", one(ds, "SELECT bool_and(tgqual IS NOT NULL) FROM pg_trigger WHERE tgname = 'lizsync_audit'"));
        try (var c = ds.getConnection(); var st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("SELECT set_config('lizsync.capture', 'off', true)");
            st.execute("UPDATE field.site SET name = 'not logged' WHERE id = 2");
            c.commit();
        }
        assertEquals("0", one(ds, "SELECT count(*) FROM audit.logged_actions WHERE changed_fields -> 'name' = 'not logged'"));
        var again = installer.upgrade(true);
        assertTrue(again.ok());
        assertTrue(again.appliedVersions().isEmpty());
    }

    /** A clone upgraded with a push sent and not confirmed: the same rows stay that push, the others do not. */
    @Test
    void anOpenPushMarkedRowByRowBecomesTheSamePushBySnapshot() throws Exception {
        DataSource ds = newDatabase();
        var installer = new ToolsInstaller(ds);
        assertTrue(installer.install(false, false, "4").ok());
        exec(ds, "CREATE SCHEMA field", "CREATE TABLE field.site (id serial PRIMARY KEY, name text)");
        assertTrue(new Preparer(ds).prepare(new Preparer.Request(true, true, true, List.of("field"), null)).ok());
        exec(ds, "UPDATE lizsync.server_metadata SET server_role = 'clone', server_name = 'clone-x'",
                "INSERT INTO lizsync.clone_state (clone_id, clone_name) SELECT server_id, 'clone-x' FROM lizsync.server_metadata");
        try (var late = ds.getConnection(); var st = late.createStatement()) {
            // Takes its transaction id first, commits after the push was marked: not part of it.
            late.setAutoCommit(false);
            st.execute("INSERT INTO field.site (name) VALUES ('late')");
            exec(ds, "INSERT INTO field.site (name) VALUES ('sent 1')", "INSERT INTO field.site (name) VALUES ('sent 2')",
                    "UPDATE audit.logged_actions SET push_id = '6f1c2d3e-0000-4000-8000-000000000001' WHERE push_id IS NULL");
            late.commit();
        }
        exec(ds, "INSERT INTO field.site (name) VALUES ('after')");

        var upgraded = installer.upgrade(true);
        assertTrue(upgraded.ok(), upgraded.message());
        assertEquals("6f1c2d3e-0000-4000-8000-000000000001", one(ds, "SELECT open_push_id FROM lizsync.clone_state"));
        assertEquals("sent 1,sent 2", one(ds, """
                SELECT string_agg(l.row_data -> 'name', ',' ORDER BY l.event_id) FROM audit.logged_actions l, lizsync.clone_state s
                WHERE pg_visible_in_snapshot(l.transaction_id, s.open_push_snapshot)"""));
        assertEquals("late,after", one(ds, """
                SELECT string_agg(l.row_data -> 'name', ',' ORDER BY l.event_id) FROM audit.logged_actions l, lizsync.clone_state s
                WHERE NOT pg_visible_in_snapshot(l.transaction_id, s.open_push_snapshot)"""));
        exec(ds, "INSERT INTO field.site (name) VALUES ('newer')");
        assertEquals("f", one(ds, """
                SELECT pg_visible_in_snapshot((SELECT max(transaction_id) FROM audit.logged_actions),
                                              (SELECT open_push_snapshot FROM lizsync.clone_state))"""), "a transaction after the upgrade is not in the push");
        assertEquals("f", one(ds, "SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'audit.logged_actions'::regclass "
                + "AND attname = 'push_id' AND NOT attisdropped)"));
    }

    @Test
    void upgradeRefusesWhenNothingIsInstalled() throws Exception {
        DataSource ds = newDatabase();
        var outcome = new ToolsInstaller(ds).upgrade(true);
        assertFalse(outcome.ok());
        assertTrue(outcome.message().contains("not installed"), outcome.message());
        assertEquals("f", one(ds, "SELECT to_regnamespace('lizsync') IS NOT NULL"));
    }
}
