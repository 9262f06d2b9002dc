package io.lizsync.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

class AuditTriggerIT extends DatabaseFixture {

    private DataSource ds;

    @BeforeEach
    void preparedTable() throws Exception {
        ds = newDatabase();
        assertTrue(new ToolsInstaller(ds).install(false, false, null).ok());
        exec(ds, "CREATE SCHEMA field", """
                CREATE TABLE field.parcel (
                    id serial PRIMARY KEY, name text, area numeric(12, 4), visited date,
                    tags text[], props jsonb, geom geometry(Polygon, 2154))""");
        assertTrue(new Preparer(ds).prepare(new Preparer.Request(true, true, true, List.of("field"), null)).ok());
    }

    @Test
    void insertUpdateDeleteAreLoggedWithChangedFieldsAndTransactionId() throws Exception {
        String insertTx;
        String updateTx;
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("""
                    INSERT INTO field.parcel (name, area, visited, tags, props, geom)
                    VALUES ('north', 12.5, '2026-05-01', '{a,"b c"}', '{"k": [1, 2]}',
                            ST_GeomFromText('POLYGON((0 0, 10 0, 10 10, 0 0))', 2154))""");
            insertTx = txid(st);
            c.commit();
            st.execute("UPDATE field.parcel SET name = 'north-east', area = 13.0001 WHERE name = 'north'");
            updateTx = txid(st);
            c.commit();
            st.execute("UPDATE field.parcel SET name = name");
            st.execute("DELETE FROM field.parcel");
            c.commit();
        }
        List<List<String>> log = rows(ds, """
                SELECT action, transaction_id::text, uid::text = (row_data -> 'uid'), akeys(changed_fields)::text,
                       changed_fields -> 'name', row_data -> 'name', changed_fields -> 'area', sync_data::text,
                       schema_name, table_name
                FROM audit.logged_actions ORDER BY event_id""");
        assertEquals(3, log.size(), "the no-op UPDATE is not logged: " + log);
        assertEquals(java.util.Arrays.asList("I", insertTx, "t", null, null, "north", null, null, "field", "parcel"), log.get(0));
        assertEquals("U", log.get(1).get(0));
        assertEquals(updateTx, log.get(1).get(1));
        assertEquals("{area,name}", sorted(log.get(1).get(3)));
        assertEquals("north-east", log.get(1).get(4));
        assertEquals("north", log.get(1).get(5), "row_data holds the previous value of the changed field");
        assertEquals("13.0001", log.get(1).get(6));
        assertEquals("D", log.get(2).get(0));
        assertEquals("north-east", log.get(2).get(5), "row_data of a DELETE is the deleted row");
        assertNull(log.get(2).get(7), "a local edit has no sync_data");
    }

    @Test
    void loggedValuesRoundTripExactly() throws Exception {
        exec(ds, """
                INSERT INTO field.parcel (name, area, tags, props, geom)
                VALUES (E'quote '' and \\n newline, ünïcödé', 0.1234,
                        '{"x,y", "NULL"}', '{"a": "b"}',
                        ST_Buffer(ST_GeomFromText('POINT(651234.123456789 6862345.987654321)', 2154), 100, 64))""");
        // Re-build the row from its logged text form and compare every column with the original.
        assertEquals("t", one(ds, """
                SELECT p.name = (l.row_data -> 'name') AND p.area = (l.row_data -> 'area')::numeric
                   AND p.tags = (l.row_data -> 'tags')::text[] AND p.props = (l.row_data -> 'props')::jsonb
                   AND ST_AsEWKB(p.geom) = ST_AsEWKB((l.row_data -> 'geom')::geometry)
                FROM field.parcel p JOIN audit.logged_actions l ON l.uid = p.uid"""));
    }

    @Test
    void replaySettingsTagOriginOrSuppressCapture() throws Exception {
        String origin = "6f1c0d52-9a3c-4d1e-9a52-3a1f3d6b7c11";
        exec(ds, "INSERT INTO field.parcel (name) VALUES ('a')");
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("SELECT set_config('lizsync.origin', '" + origin + "', true)");
            st.execute("UPDATE field.parcel SET name = 'from clone'");
            c.commit();
            st.execute("SELECT set_config('lizsync.capture', 'off', true)");
            st.execute("UPDATE field.parcel SET name = 'replayed, not logged'");
            c.commit();
            st.execute("TRUNCATE field.parcel");
            c.commit();
        }
        List<List<String>> log = rows(ds, "SELECT action, sync_data ->> 'origin' FROM audit.logged_actions ORDER BY event_id");
        assertEquals(List.of(List.of("I", "null"), List.of("U", origin), List.of("T", "null")),
                log.stream().map(r -> List.of(r.get(0), String.valueOf(r.get(1)))).toList());
    }

    @Test
    void replayedCaptureSkipsOnlyTheRowsTheReplayWritesItself() throws Exception {
        exec(ds, "INSERT INTO field.parcel (name) VALUES ('a')", """
                CREATE FUNCTION field.derive() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.name = 'replayed' THEN
                        INSERT INTO field.parcel (name) VALUES ('derived from ' || NEW.name);
                    END IF;
                    RETURN NULL;
                END $$""", "CREATE TRIGGER derive AFTER UPDATE ON field.parcel FOR EACH ROW EXECUTE FUNCTION field.derive()");
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("SELECT set_config('lizsync.capture', 'replayed', true)");
            st.execute("UPDATE field.parcel SET name = 'replayed'");
            c.commit();
        }
        List<List<String>> log = rows(ds, "SELECT action, row_data -> 'name', sync_data::text FROM audit.logged_actions "
                + "ORDER BY event_id");
        assertEquals(List.of(List.of("I", "a", "null"), List.of("I", "derived from replayed", "null")),
                log.stream().map(r -> List.of(r.get(0), r.get(1), String.valueOf(r.get(2)))).toList(),
                "the replayed update is left to the replay; the row a trigger derived from it is central's own change");
    }

    @Test
    void theTriggerIgnoresTheWritersSearchPath() throws Exception {
        // SECURITY DEFINER without a fixed search_path: every name in it is schema-qualified, so a
        // writer's own functions of the same names change nothing.
        exec(ds, "CREATE SCHEMA evil",
                "CREATE FUNCTION evil.current_setting(text, boolean) RETURNS text LANGUAGE sql AS $$ SELECT 'off' $$",
                "CREATE FUNCTION evil.substr(text, integer, integer) RETURNS text LANGUAGE sql AS $$ SELECT 'D' $$",
                "CREATE FUNCTION evil.slice(public.hstore, text[]) RETURNS public.hstore LANGUAGE sql "
                        + "AS $$ SELECT ''::public.hstore $$");
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("SET search_path = evil, pg_catalog, public");
            st.execute("CREATE TEMPORARY TABLE uuid (x int)");
            st.execute("INSERT INTO field.parcel (name) VALUES ('x')");
            st.execute("UPDATE field.parcel SET name = 'y'");
        }
        List<List<String>> log = rows(ds, "SELECT action, row_data -> 'name', changed_fields -> 'name', uid IS NOT NULL "
                + "FROM audit.logged_actions ORDER BY event_id");
        assertEquals(List.of(List.of("I", "x", "null", "t"), List.of("U", "x", "y", "t")),
                log.stream().map(r -> List.of(r.get(0), r.get(1), String.valueOf(r.get(2)), r.get(3))).toList());
    }

    /**
     * The trigger runs as the owner of the tools and passes the written row, typed as the table's
     * row type, to hstore. A writer who may create in public can add public.hstore(that row type):
     * an exact match, chosen over the extension's hstore(record) unless the call rules it out.
     */
    @Test
    void aWritersHstoreOverloadForTheRowTypeIsNeverCalled() throws Exception {
        String writer = writerWhoMayCreateInPublic();
        try (Connection w = connectAs(writer); Statement st = w.createStatement()) {
            st.execute("CREATE TABLE \"public\".\"spy_calls\" (\"called_as\" text, \"arg\" text)");
            st.execute("""
                    CREATE FUNCTION "public"."hstore"("field"."parcel") RETURNS "public"."hstore" LANGUAGE sql AS $$
                        INSERT INTO "public"."spy_calls" VALUES (current_user, CAST($1 AS text));
                        SELECT "public"."hstore"('hijacked', CAST(current_user AS text))
                    $$""");
            try (PreparedStatement insert = w.prepareStatement(
                    "INSERT INTO \"field\".\"parcel\" (\"name\", \"area\", \"tags\") VALUES (?, ?, CAST(? AS text[]))");
                    PreparedStatement update = w.prepareStatement(
                            "UPDATE \"field\".\"parcel\" SET \"name\" = ? WHERE \"id\" = ?");
                    PreparedStatement delete = w.prepareStatement("DELETE FROM \"field\".\"parcel\" WHERE \"id\" = ?")) {
                insert.setString(1, "north");
                insert.setBigDecimal(2, new java.math.BigDecimal("12.5"));
                insert.setString(3, "{a,\"b c\"}");
                insert.executeUpdate();
                int id = Integer.parseInt(one(ds, "SELECT max(\"id\") FROM \"field\".\"parcel\""));
                // The row as the extension's hstore(record) gives it: a subquery's whole row is typed record.
                String inserted = one(ds, "SELECT CAST(\"public\".\"hstore\"(\"r\") AS text) "
                        + "FROM (SELECT * FROM \"field\".\"parcel\") AS \"r\"");
                update.setString(1, "north-east");
                update.setInt(2, id);
                update.executeUpdate();
                String updated = one(ds, "SELECT CAST(\"public\".\"hstore\"(\"r\") AS text) "
                        + "FROM (SELECT * FROM \"field\".\"parcel\") AS \"r\"");
                delete.setInt(1, id);
                delete.executeUpdate();

                assertEquals(List.of(), rows(ds, "SELECT * FROM \"public\".\"spy_calls\""),
                        "the writer's hstore overload was called");
                List<List<String>> log = rows(ds, """
                        SELECT "action", CAST("row_data" AS text), CAST("changed_fields" AS text),
                               CAST("uid" AS text) = ("row_data" OPERATOR(public.->) 'uid')
                        FROM "audit"."logged_actions" ORDER BY "event_id"
                        """);
                assertEquals(3, log.size(), log.toString());
                assertEquals(java.util.Arrays.asList("I", inserted, null, "t"), log.get(0));
                assertEquals("U", log.get(1).get(0));
                assertEquals("\"name\"=>\"north\"", log.get(1).get(1), "row_data: previous values of the changed fields");
                assertEquals("\"name\"=>\"north-east\"", log.get(1).get(2));
                assertEquals(java.util.Arrays.asList("D", updated, null, "t"), log.get(2));
            }
        }
    }

    /**
     * NULLIF, simple CASE and IS DISTINCT FROM look their {@code =} up through the search_path,
     * which in a SECURITY DEFINER function without SET search_path is the writer's: a writer's
     * {@code =}(text, text) in public, with public before pg_catalog, would run as the owner.
     */
    @Test
    void aWritersEqualsOperatorIsNeverCalledOnTheReplayPath() throws Exception {
        String origin = "6f1c0d52-9a3c-4d1e-9a52-3a1f3d6b7c11";
        String writer = writerWhoMayCreateInPublic();
        try (Connection w = connectAs(writer); Statement st = w.createStatement()) {
            st.execute("CREATE TABLE \"public\".\"spy_calls\" (\"called_as\" text, \"arg\" text)");
            st.execute("""
                    CREATE FUNCTION "public"."spy_texteq"(text, text) RETURNS boolean LANGUAGE sql AS $$
                        INSERT INTO "public"."spy_calls" VALUES (current_user, $1);
                        SELECT $1 OPERATOR(pg_catalog.=) $2
                    $$""");
            st.execute("CREATE OPERATOR \"public\".= (LEFTARG = text, RIGHTARG = text, FUNCTION = \"public\".\"spy_texteq\")");
            st.execute("SET search_path = \"public\", \"pg_catalog\"");
            try (PreparedStatement set = w.prepareStatement("SELECT set_config(?, ?, false)")) {
                for (String[] kv : new String[][] {{"lizsync.origin", origin}, {"lizsync.sync_id", ""}}) {
                    set.setString(1, kv[0]);
                    set.setString(2, kv[1]);
                    set.execute();
                }
            }
            try (PreparedStatement insert = w.prepareStatement("INSERT INTO \"field\".\"parcel\" (\"name\") VALUES (?)")) {
                insert.setString(1, "from clone");
                insert.executeUpdate();
            }
        }
        assertEquals(List.of(), rows(ds, "SELECT * FROM \"public\".\"spy_calls\""), "the writer's = was called");
        assertEquals(List.of(List.of("I", "from clone", "{\"origin\": \"" + origin + "\", \"sync_id\": null}")),
                rows(ds, "SELECT \"action\", \"row_data\" OPERATOR(public.->) 'name', CAST(\"sync_data\" AS text) "
                        + "FROM \"audit\".\"logged_actions\""));
    }

    /** A role that may write field.parcel and create in public, nothing more (as a field user could be). */
    private String writerWhoMayCreateInPublic() throws Exception {
        String writer = "field writer of " + one(ds, "SELECT current_database()");
        String role = Sql.ident(writer);
        exec(ds, "CREATE ROLE " + role + " LOGIN NOSUPERUSER",
                "GRANT USAGE, CREATE ON SCHEMA \"public\" TO " + role,
                "GRANT USAGE ON SCHEMA \"field\" TO " + role,
                "GRANT SELECT, INSERT, UPDATE, DELETE ON \"field\".\"parcel\" TO " + role,
                "GRANT USAGE ON ALL SEQUENCES IN SCHEMA \"field\" TO " + role);
        return writer;
    }

    private Connection connectAs(String role) throws Exception {
        PGSimpleDataSource w = new PGSimpleDataSource();
        w.setURL(cluster.jdbcUrl(one(ds, "SELECT current_database()")));
        w.setUser(role);
        return w.getConnection();
    }

    private static String txid(Statement st) throws Exception {
        try (ResultSet rs = st.executeQuery("SELECT pg_current_xact_id()::text")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String sorted(String pgArray) {
        String inner = pgArray.substring(1, pgArray.length() - 1);
        return "{" + String.join(",", java.util.Arrays.stream(inner.split(",")).sorted().toList()) + "}";
    }
}
