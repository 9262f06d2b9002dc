package io.lizsync.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A deploy's reset of the tools' state leaves the clone exactly as a fresh install (drop and
 * re-create of {@code audit} and {@code lizsync}) does: table by table, triggers, functions,
 * sequences (ADR 0024, addendum).
 */
class ToolsResetIT extends DatabaseFixture {

    /** A clone with the tools, two captured tables, local edits and rows in every tools table. */
    private static DataSource usedClone() throws Exception {
        DataSource ds = newDatabase();
        var installer = new ToolsInstaller(ds);
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            var first = installer.resetOrInstallWithin(c, null);
            assertFalse(first.plan().reset(), "nothing installed yet: " + first.plan().reason());
            c.commit();
        }
        String clone = "11111111-1111-1111-1111-111111111111";
        String central = "22222222-2222-2222-2222-222222222222";
        exec(ds,
                "CREATE TABLE public.kept (uid uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text)",
                "CREATE TABLE public.dropped (uid uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text)",
                "SELECT audit.audit_table('public', 'kept', 'uid')",
                "SELECT audit.audit_table('public', 'dropped', 'uid')",
                // local edits, captured
                "INSERT INTO public.kept (name) SELECT 'k' || g FROM generate_series(1, 5) g",
                "UPDATE public.kept SET name = name || '!' WHERE name = 'k1'",
                "INSERT INTO public.dropped (name) VALUES ('d1')",
                "DELETE FROM public.dropped",
                // a clone that synchronised and met conflicts
                "INSERT INTO lizsync.server_metadata (server_id, server_name, server_role) VALUES ('" + clone
                        + "', 'laptop', 'clone')",
                "INSERT INTO lizsync.clone_state (clone_id, clone_name, central_id, last_tick_id, package_id, last_sync)"
                        + " VALUES ('" + clone + "', 'laptop', '" + central + "', 42, gen_random_uuid(), now())",
                "INSERT INTO lizsync.synchronized_tables VALUES ('" + clone + "', 'public', 'kept'), ('" + clone
                        + "', 'public', 'dropped')",
                "INSERT INTO lizsync.history (server_from, server_to, sync_type, sync_status, change_count) VALUES ('"
                        + central + "', ARRAY['" + clone + "'::uuid], 'partial', 'done', 7)",
                "INSERT INTO lizsync.conflicts (schema_name, table_name, object_uid, field_name, clone_id, rule_applied,"
                        + " winner) VALUES ('public', 'kept', gen_random_uuid(), 'name', '" + clone
                        + "', 'last_edit_wins', 'central'), ('public', 'kept', gen_random_uuid(), 'name', '" + clone
                        + "', 'manual', 'pending')",
                "INSERT INTO lizsync.ticks (tick_snapshot) VALUES (pg_current_snapshot()), (pg_current_snapshot())",
                "INSERT INTO lizsync.received_pushes (push_id, clone_id, change_count, applied, conflicts) VALUES "
                        + "(gen_random_uuid(), '" + clone + "', 3, 2, 1)",
                "INSERT INTO lizsync.resend_rows VALUES ('" + clone + "', 'public', 'kept', gen_random_uuid())",
                "INSERT INTO lizsync.table_policies VALUES ('public', 'kept', 'central_wins')",
                "INSERT INTO lizsync.sync_requests (request_id, status, message) VALUES (gen_random_uuid(), 1, 'ok')",
                "INSERT INTO lizsync.package_deployments (package_id, clone_id, clone_name, deployed_at) VALUES "
                        + "(gen_random_uuid(), '" + clone + "', 'laptop', now())",
                "INSERT INTO lizsync.assignments (job_id, clone_id, package_id, state, created_by) VALUES "
                        + "(gen_random_uuid(), '" + clone + "', gen_random_uuid(), 'succeeded', 'admin')",
                "INSERT INTO lizsync.sync_jobs (job_id, clone_id, state, created_by) VALUES (gen_random_uuid(), '"
                        + clone + "', 'succeeded', 'sidecar')",
                "INSERT INTO lizsync.device_positions (device_id, schema_name, table_name, position_snapshot, "
                        + "structure_version) VALUES (gen_random_uuid(), 'public', 'kept', pg_current_snapshot(), 'v1')",
                "INSERT INTO lizsync.device_uploads (device_id, request_id, import_id, request_hash) VALUES "
                        + "(gen_random_uuid(), 'r1', gen_random_uuid(), 'h')",
                "UPDATE lizsync.log_horizon SET pruned_below = pg_current_xact_id(), pruned_at = now()");
        // every table the catalogue clears or reseeds holds clone state now
        for (ToolsReset.Entry e : ToolsReset.CATALOGUE) {
            if (e.treatment() == ToolsReset.Treatment.CLEAR) {
                assertNotEquals("0", one(ds, "SELECT count(*) FROM " + e.table()), e.table() + " is empty");
            }
        }
        assertEquals("1", one(ds, "SELECT count(*) FROM lizsync.log_horizon WHERE pruned_at IS NOT NULL"));
        return ds;
    }

    /** Everything a tools install makes and a deploy may leave behind, as text. */
    private static Map<String, List<List<String>>> snapshot(DataSource ds) throws Exception {
        Map<String, List<List<String>>> out = new LinkedHashMap<>();
        for (List<String> t : rows(ds, "SELECT schemaname, tablename FROM pg_tables WHERE schemaname IN "
                + "('audit', 'lizsync') ORDER BY 1, 2")) {
            String table = Sql.qualified(t.get(0), t.get(1));
            String sql = t.get(1).equals(ToolsInstaller.HISTORY_TABLE)
                    ? "SELECT installed_rank, version, description, type, script, checksum, success FROM " + table
                            + " ORDER BY installed_rank"
                    : "SELECT x::text FROM " + table + " x ORDER BY 1";
            out.put("table " + table, rows(ds, sql));
        }
        out.put("relations", rows(ds, "SELECT n.nspname, c.relname, c.relkind, c.relpersistence FROM pg_class c "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('audit', 'lizsync') ORDER BY 1, 2"));
        out.put("columns", rows(ds, "SELECT a.attrelid::regclass::text, a.attname, format_type(a.atttypid, a.atttypmod),"
                + " a.attnotnull, a.attidentity, pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a "
                + "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                + "WHERE n.nspname IN ('audit', 'lizsync') AND a.attnum > 0 AND NOT a.attisdropped ORDER BY 1, 2"));
        out.put("indexes", rows(ds, "SELECT schemaname, indexname, indexdef FROM pg_indexes WHERE schemaname IN "
                + "('audit', 'lizsync') ORDER BY 1, 2"));
        out.put("constraints", rows(ds, "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                + "FROM pg_constraint WHERE connamespace IN ('audit'::regnamespace, 'lizsync'::regnamespace) ORDER BY 1, 2"));
        out.put("sequences", rows(ds, "SELECT schemaname, sequencename, last_value, start_value FROM pg_sequences "
                + "WHERE schemaname IN ('audit', 'lizsync') ORDER BY 1, 2"));
        out.put("functions", rows(ds, "SELECT p.oid::regprocedure::text, md5(pg_get_functiondef(p.oid)) FROM pg_proc p "
                + "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname IN ('audit', 'lizsync') "
                + "AND p.prokind IN ('f', 'p') ORDER BY 1"));
        out.put("triggers", rows(ds, "SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid) FROM pg_trigger "
                + "WHERE NOT tgisinternal ORDER BY 1, 2"));
        out.put("comments", rows(ds, "SELECT d.classoid::regclass::text, d.objsubid, d.description FROM pg_description d "
                + "JOIN pg_class c ON d.classoid = 'pg_class'::regclass AND c.oid = d.objoid "
                + "WHERE c.relnamespace IN ('audit'::regnamespace, 'lizsync'::regnamespace) ORDER BY 1, 2, 3"));
        out.put("user data", rows(ds, "SELECT 'kept', count(*) FROM public.kept UNION ALL "
                + "SELECT 'dropped', count(*) FROM public.dropped"));
        return out;
    }

    @Test
    void aResetLeavesTheCloneAsAFreshInstallDoes() throws Exception {
        DataSource reset = usedClone();
        DataSource fresh = usedClone();
        assertEquals(snapshot(reset).keySet(), snapshot(fresh).keySet());

        ToolsInstaller.WithinOutcome outcome;
        try (Connection c = reset.getConnection()) {
            c.setAutoCommit(false);
            outcome = new ToolsInstaller(reset).resetOrInstallWithin(c, null);
            c.commit();
        }
        assertTrue(outcome.plan().reset(), outcome.plan().reason());
        assertEquals(4, outcome.plan().dropTriggers().size(), outcome.plan().dropTriggers().toString());
        assertEquals(List.of("lizsync.log_horizon"), outcome.plan().reseeded());
        try (Connection c = fresh.getConnection()) {
            c.setAutoCommit(false);
            assertEquals(outcome.version(), new ToolsInstaller(fresh).installWithin(c, null));
            c.commit();
        }
        Map<String, List<List<String>>> afterReset = snapshot(reset);
        Map<String, List<List<String>>> afterFresh = snapshot(fresh);
        assertEquals(afterFresh.keySet(), afterReset.keySet());
        for (String part : afterFresh.keySet()) {
            assertEquals(afterFresh.get(part), afterReset.get(part), part);
        }
        assertEquals(List.of(java.util.Arrays.asList("0", null)), rows(reset, "SELECT pruned_below::text, pruned_at FROM lizsync.log_horizon"));
        assertTrue(afterReset.get("triggers").isEmpty(), afterReset.get("triggers").toString());
        // the identities start again as after a fresh install
        exec(reset, "SELECT audit.audit_table('public', 'kept', 'uid')", "INSERT INTO public.kept (name) VALUES ('new')");
        exec(fresh, "SELECT audit.audit_table('public', 'kept', 'uid')", "INSERT INTO public.kept (name) VALUES ('new')");
        assertEquals("1", one(reset, "SELECT min(event_id) FROM audit.logged_actions"));
        assertEquals(one(fresh, "SELECT event_id FROM audit.logged_actions"), one(reset, "SELECT event_id FROM audit.logged_actions"));

        // A second reset, as at a redeploy: most tools tables are empty now; one holds rows, one is
        // empty with a moved identity, the rest untouched. Only those two (and the reseeded table) are
        // emptied, and the clone is again what a fresh install makes.
        for (DataSource ds : List.of(reset, fresh)) {
            exec(ds, "INSERT INTO lizsync.conflicts (schema_name, table_name, object_uid, field_name, clone_id, rule_applied,"
                    + " winner) VALUES ('public', 'kept', gen_random_uuid(), 'name', gen_random_uuid(), 'manual', 'pending')",
                    "DELETE FROM lizsync.conflicts",
                    "INSERT INTO lizsync.ticks (tick_snapshot) VALUES (pg_current_snapshot())");
        }
        ToolsInstaller.WithinOutcome again;
        try (Connection c = reset.getConnection()) {
            c.setAutoCommit(false);
            again = new ToolsInstaller(reset).resetOrInstallWithin(c, null);
            c.commit();
        }
        assertTrue(again.plan().reset(), again.plan().reason());
        assertEquals(List.of("audit.logged_relations", "audit.logged_actions", "lizsync.conflicts", "lizsync.ticks",
                "lizsync.log_horizon"), again.emptied());
        try (Connection c = fresh.getConnection()) {
            c.setAutoCommit(false);
            new ToolsInstaller(fresh).installWithin(c, null);
            c.commit();
        }
        Map<String, List<List<String>>> secondReset = snapshot(reset);
        Map<String, List<List<String>>> secondFresh = snapshot(fresh);
        for (String part : secondFresh.keySet()) {
            assertEquals(secondFresh.get(part), secondReset.get(part), "second reset: " + part);
        }
        for (DataSource ds : List.of(reset, fresh)) {
            exec(ds, "INSERT INTO lizsync.conflicts (schema_name, table_name, object_uid, field_name, clone_id, rule_applied,"
                    + " winner) VALUES ('public', 'kept', gen_random_uuid(), 'name', gen_random_uuid(), 'manual', 'pending')",
                    "INSERT INTO lizsync.ticks (tick_snapshot) VALUES (pg_current_snapshot())");
        }
        assertEquals(rows(fresh, "SELECT id::text FROM lizsync.conflicts UNION ALL SELECT tick_id::text FROM lizsync.ticks"),
                rows(reset, "SELECT id::text FROM lizsync.conflicts UNION ALL SELECT tick_id::text FROM lizsync.ticks"));
    }

    @Test
    void aResetRolledBackLeavesTheCloneAsItWas() throws Exception {
        DataSource ds = usedClone();
        Map<String, List<List<String>>> before = snapshot(ds);
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            assertTrue(new ToolsInstaller(ds).resetOrInstallWithin(c, null).plan().reset());
            c.rollback();
        }
        assertEquals(before, snapshot(ds));
    }

    @Test
    void anObjectOutsideTheToolsThatDependsOnThemMeansAFreshInstall() throws Exception {
        DataSource ds = usedClone();
        exec(ds, "CREATE VIEW public.my_conflicts AS SELECT * FROM lizsync.conflicts");
        ToolsInstaller.WithinOutcome outcome;
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            outcome = new ToolsInstaller(ds).resetOrInstallWithin(c, null);
            c.commit();
        }
        assertFalse(outcome.plan().reset());
        assertTrue(outcome.plan().reason().contains("public.my_conflicts"), outcome.plan().reason());
        // as before this change: the drop's CASCADE took the view
        assertEquals("f", one(ds, "SELECT to_regclass('public.my_conflicts') IS NOT NULL"));
        assertEquals("0", one(ds, "SELECT count(*) FROM lizsync.conflicts"));
    }

    @Test
    void anOlderVersionAnExtraTableOrAUsersFunctionOrTypeMeansAFreshInstall() throws Exception {
        DataSource older = newDatabase();
        var installer = new ToolsInstaller(older);
        List<String> versions = installer.availableVersions();
        String previous = versions.get(versions.size() - 2);
        try (Connection c = older.getConnection()) {
            c.setAutoCommit(false);
            installer.installWithin(c, previous);
            c.commit();
        }
        try (Connection c = older.getConnection()) {
            assertEquals(others(Integer.parseInt(previous)), new java.util.TreeSet<>(ToolsCatalogReader.read(c).others()),
                    "the objects of a version " + previous + " install");
        }
        try (Connection c = older.getConnection()) {
            c.setAutoCommit(false);
            var outcome = installer.resetOrInstallWithin(c, null);
            assertFalse(outcome.plan().reset());
            assertTrue(outcome.plan().reason().contains("installed tools version " + previous), outcome.plan().reason());
            c.commit();
        }
        // the same version again: a reset
        try (Connection c = older.getConnection()) {
            c.setAutoCommit(false);
            assertTrue(installer.resetOrInstallWithin(c, null).plan().reset());
            c.commit();
        }
        exec(older, "CREATE TABLE lizsync.my_notes (x int)");
        try (Connection c = older.getConnection()) {
            c.setAutoCommit(false);
            var outcome = installer.resetOrInstallWithin(c, null);
            assertFalse(outcome.plan().reset());
            assertTrue(outcome.plan().reason().contains("lizsync.my_notes"), outcome.plan().reason());
            c.commit();
        }
        assertEquals("f", one(older, "SELECT to_regclass('lizsync.my_notes') IS NOT NULL"));

        // What a fresh install makes besides tables is exactly the catalogue's list, as the catalog names it.
        try (Connection c = older.getConnection()) {
            assertEquals(others(Integer.MAX_VALUE), new java.util.TreeSet<>(ToolsCatalogReader.read(c).others()));
        }
        // A user's function, type, domain and sequence in the tools schemas: a fresh install drops them.
        exec(older, "CREATE FUNCTION lizsync.my_helper() RETURNS int LANGUAGE sql AS 'SELECT 1'",
                "CREATE TYPE lizsync.my_pair AS (a int, b int)", "CREATE DOMAIN audit.my_domain AS int",
                "CREATE SEQUENCE lizsync.my_counter");
        try (Connection c = older.getConnection()) {
            c.setAutoCommit(false);
            var outcome = installer.resetOrInstallWithin(c, null);
            assertFalse(outcome.plan().reset());
            assertTrue(outcome.plan().reason().contains("extra [function lizsync.my_helper(), sequence lizsync.my_counter,"
                    + " type audit.my_domain, type lizsync.my_pair], missing []"), outcome.plan().reason());
            c.commit();
        }
        assertEquals("0", one(older, "SELECT count(*) FROM pg_proc WHERE proname = 'my_helper'"));
        assertEquals("0", one(older, "SELECT count(*) FROM pg_type WHERE typname IN ('my_pair', 'my_domain')"));
        assertEquals("f", one(older, "SELECT to_regclass('lizsync.my_counter') IS NOT NULL"));
        try (Connection c = older.getConnection()) {
            c.setAutoCommit(false);
            assertTrue(installer.resetOrInstallWithin(c, null).plan().reset());
            c.commit();
        }
    }

    /** The other objects of the catalogue up to a version. */
    private static java.util.Set<String> others(int upTo) {
        return ToolsReset.OTHERS.stream().filter(o -> o.since() <= upTo).map(ToolsReset.Other::object)
                .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    }
}
