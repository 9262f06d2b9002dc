package io.lizsync.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class PrepareIT extends DatabaseFixture {

    private static Map<String, Preparer.TableResult> byTable(Preparer.Result r) {
        return r.tables().stream().collect(Collectors.toMap(Preparer.TableResult::table, Function.identity()));
    }

    private static DataSource installed() throws Exception {
        DataSource ds = newDatabase();
        assertTrue(new ToolsInstaller(ds).install(false, false, null).ok());
        return ds;
    }

    @Test
    void preparesTablesWithAndWithoutUidAndRefusesWhatItCannotHandle() throws Exception {
        DataSource ds = installed();
        exec(ds, "CREATE SCHEMA survey",
                "CREATE TABLE survey.no_uid (id serial PRIMARY KEY, label text)",
                "INSERT INTO survey.no_uid (label) SELECT 'row ' || g FROM generate_series(1, 25) g",
                "CREATE TABLE survey.with_uid (id serial PRIMARY KEY, uid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(), label text)",
                "CREATE TABLE survey.loose_uid (id serial PRIMARY KEY, uid uuid, label text)",
                "INSERT INTO survey.loose_uid (label) VALUES ('a'), ('b')",
                "CREATE TABLE survey.no_pk (label text)",
                "CREATE TABLE survey.text_uid (id serial PRIMARY KEY, uid text)",
                "CREATE VIEW survey.a_view AS SELECT * FROM survey.no_uid",
                "CREATE MATERIALIZED VIEW survey.a_matview AS SELECT 1 AS x");
        var result = new Preparer(ds).prepare(new Preparer.Request(true, true, true, List.of("survey"), null));
        var t = byTable(result);
        assertFalse(result.ok(), "refused relations make the status 0");

        assertEquals(Preparer.Outcome.PREPARED, t.get("no_uid").outcome());
        assertTrue(t.get("no_uid").uidColumnAdded());
        assertEquals(25, t.get("no_uid").uidValuesFilled());
        assertTrue(t.get("no_uid").auditTriggerAdded());
        assertEquals("25", one(ds, "SELECT count(DISTINCT uid) FROM survey.no_uid"));
        assertEquals("uuid|true|gen_random_uuid()", one(ds, """
                SELECT format_type(atttypid, atttypmod) || '|' || attnotnull || '|' || pg_get_expr(d.adbin, d.adrelid)
                FROM pg_attribute a JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                WHERE attrelid = 'survey.no_uid'::regclass AND attname = 'uid'"""));

        assertEquals(Preparer.Outcome.PREPARED, t.get("with_uid").outcome());
        assertFalse(t.get("with_uid").uidColumnAdded());
        assertTrue(t.get("with_uid").auditTriggerAdded());

        assertEquals(Preparer.Outcome.PREPARED, t.get("loose_uid").outcome());
        assertEquals(2, t.get("loose_uid").uidValuesFilled());
        assertEquals("0", one(ds, "SELECT count(*) FROM survey.loose_uid WHERE uid IS NULL"));

        assertEquals(Preparer.Outcome.REFUSED, t.get("no_pk").outcome());
        assertTrue(t.get("no_pk").refusalReason().contains("no primary key"));
        assertEquals(Preparer.Outcome.REFUSED, t.get("text_uid").outcome());
        assertTrue(t.get("text_uid").refusalReason().contains("type text, expected uuid"));
        assertEquals(Preparer.Outcome.REFUSED, t.get("a_view").outcome());
        assertTrue(t.get("a_view").refusalReason().contains("view"));
        assertEquals(Preparer.Outcome.REFUSED, t.get("a_matview").outcome());
        // Refused tables were left alone.
        assertEquals("f", one(ds, "SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 'survey.no_pk'::regclass)"));
        assertEquals("text", one(ds, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'survey.text_uid'::regclass AND attname = 'uid'"));

        assertEquals(1, Integer.parseInt(one(ds, "SELECT count(*) FROM lizsync.server_metadata")));
        assertEquals(result.serverId(), one(ds, "SELECT server_id::text FROM lizsync.server_metadata"));
        assertEquals("central", one(ds, "SELECT server_name FROM lizsync.server_metadata"));
    }

    @Test
    void secondRunChangesNothing() throws Exception {
        DataSource ds = installed();
        exec(ds, "CREATE SCHEMA survey", "CREATE TABLE survey.plot (id serial PRIMARY KEY, label text)");
        var request = new Preparer.Request(true, true, true, List.of("survey"), null);
        var first = new Preparer(ds).prepare(request);
        assertTrue(first.ok(), first.message());
        String triggers = one(ds, "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'survey.plot'::regclass AND NOT tgisinternal");
        var second = new Preparer(ds).prepare(request);
        assertTrue(second.ok(), second.message());
        assertEquals(Preparer.Outcome.ALREADY_PREPARED, byTable(second).get("plot").outcome());
        assertEquals(first.serverId(), second.serverId());
        assertEquals(triggers, one(ds, "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'survey.plot'::regclass AND NOT tgisinternal"));
        assertEquals("1", one(ds, "SELECT count(*) FROM pg_constraint WHERE conrelid = 'survey.plot'::regclass AND contype = 'u'"));
    }

    @Test
    void hostileIdentifiersAreQuotedEverywhere() throws Exception {
        DataSource ds = installed();
        String schema = "Relevé \"terrain\"; DROP TABLE x --";
        String q = Sql.ident(schema);
        exec(ds, "CREATE SCHEMA " + q,
                "CREATE TABLE " + q + ".\"Sites; DROP SCHEMA audit\" (\"ID\" serial PRIMARY KEY, \"Nom d'usage\" text, \"select\" int)",
                "CREATE TABLE " + q + ".\"order\" (\"from\" serial PRIMARY KEY, \"Géométrie\" geometry(Polygon, 4326))",
                "CREATE TABLE " + q + ".\"with space\" (id serial PRIMARY KEY, \"user\" text)",
                "CREATE TABLE " + q + ".\"日本語\" (id serial PRIMARY KEY)",
                "INSERT INTO " + q + ".\"Sites; DROP SCHEMA audit\" (\"Nom d'usage\", \"select\") VALUES ('l''île', 1)");
        var result = new Preparer(ds).prepare(new Preparer.Request(true, true, true, List.of(schema), null));
        assertTrue(result.ok(), result.message());
        assertEquals(4, result.tables().size());
        result.tables().forEach(t -> assertEquals(Preparer.Outcome.PREPARED, t.outcome(), t.table()));
        assertEquals("t", one(ds, "SELECT to_regnamespace('audit') IS NOT NULL"));
        exec(ds, "UPDATE " + q + ".\"Sites; DROP SCHEMA audit\" SET \"Nom d'usage\" = 'l''île \"nouvelle\"'");
        assertEquals("l'île \"nouvelle\"", one(ds,
                "SELECT changed_fields -> 'Nom d''usage' FROM audit.logged_actions WHERE action = 'U'"));
        assertEquals(schema, one(ds, "SELECT DISTINCT schema_name FROM audit.logged_actions"));
        assertEquals("4", one(ds, "SELECT count(*) FROM audit.logged_relations WHERE schema_name = '"
                + schema.replace("'", "''") + "'"));
    }

    @Test
    void reservedAndUnknownSchemasAreRefused() throws Exception {
        DataSource ds = installed();
        exec(ds, "CREATE TABLE public.kept (id serial PRIMARY KEY)");
        var result = new Preparer(ds).prepare(new Preparer.Request(true, true, true,
                List.of("public", "lizsync", "audit", "pg_catalog", "nowhere"), null));
        assertFalse(result.ok());
        assertTrue(result.tables().isEmpty());
        assertEquals(List.of("public", "lizsync", "audit", "pg_catalog", "nowhere"),
                result.refusedSchemas().stream().map(Preparer.SchemaRefusal::schema).toList());
        assertTrue(result.refusedSchemas().get(4).reason().contains("does not exist"));
        assertEquals("f", one(ds, "SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'public.kept'::regclass AND attname = 'uid')"));
    }

    @Test
    void refusesWithoutToolsAndWithoutSchemas() throws Exception {
        DataSource ds = newDatabase();
        var result = new Preparer(ds).prepare(new Preparer.Request(true, true, true, List.of("x"), null));
        assertFalse(result.ok());
        assertTrue(result.message().contains("not installed"));
        assertThrows(IllegalArgumentException.class,
                () -> new Preparer(ds).prepare(new Preparer.Request(true, true, true, List.of(), null)));
    }

    @Test
    void onlyServerIdWhenOtherStepsAreOff() throws Exception {
        DataSource ds = installed();
        exec(ds, "CREATE SCHEMA s", "CREATE TABLE s.t (id serial PRIMARY KEY, uid uuid NOT NULL UNIQUE DEFAULT gen_random_uuid())");
        var result = new Preparer(ds).prepare(new Preparer.Request(true, false, false, List.of("s"), "hq"));
        assertTrue(result.ok(), result.message());
        assertEquals(Preparer.Outcome.ALREADY_PREPARED, byTable(result).get("t").outcome());
        assertEquals("hq", one(ds, "SELECT server_name FROM lizsync.server_metadata"));
        assertEquals("f", one(ds, "SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 's.t'::regclass AND tgname = 'lizsync_audit')"));
    }
}
