-- Tools version 8: the capture trigger is not even called for the rows it would skip.
--
-- A replay on central logs its own rows set-based (lizsync.capture = 'replayed', ADR 0006) and a
-- pull on a clone logs nothing (lizsync.capture = 'off'); the trigger function then returned at
-- once, but PostgreSQL still queued an after-trigger event and called the PL/pgSQL function for
-- every replayed row: some 40 % of a replay statement's time. The same test now sits in the
-- trigger's WHEN condition, evaluated when the row is written, so no event is queued for those
-- rows (the condition is an expression, not a function call). Rows that user triggers derive from a replay (trigger depth > 0 when they are written) are
-- still captured, as before; a user's own write ('' or unset) is captured as before.
CREATE OR REPLACE FUNCTION audit.audit_table(p_schema text, p_table text, p_uid_column text DEFAULT 'uid') RETURNS boolean
    LANGUAGE plpgsql
    SET search_path = pg_catalog
AS $func$
DECLARE
    v_rel regclass := format('%I.%I', p_schema, p_table)::regclass;
    v_added boolean := false;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = v_rel AND tgname = 'lizsync_audit') THEN
        EXECUTE format('CREATE TRIGGER lizsync_audit AFTER INSERT OR UPDATE OR DELETE ON %s FOR EACH ROW '
                       || 'WHEN (pg_catalog.current_setting(''lizsync.capture'', true) IS DISTINCT FROM ''off'' AND (pg_catalog.current_setting(''lizsync.capture'', true) IS DISTINCT FROM ''replayed'' OR pg_catalog.pg_trigger_depth() > 0)) EXECUTE FUNCTION audit.if_modified_func(%L)',
                       v_rel, p_uid_column);
        v_added := true;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = v_rel AND tgname = 'lizsync_audit_truncate') THEN
        EXECUTE format('CREATE TRIGGER lizsync_audit_truncate AFTER TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION audit.if_modified_func(%L)',
                       v_rel, p_uid_column);
        v_added := true;
    END IF;
    INSERT INTO audit.logged_relations (schema_name, table_name, uid_column)
    VALUES (p_schema, p_table, p_uid_column)
    ON CONFLICT (schema_name, table_name) DO UPDATE SET uid_column = EXCLUDED.uid_column;
    RETURN v_added;
END;
$func$;

-- The tables captured already get the condition: their row trigger is made again by audit_table.
DO $do$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT tg.tgrelid::regclass AS rel, n.nspname::text AS schema_name, c.relname::text AS table_name,
                    coalesce(r.uid_column, 'uid') AS uid_column
             FROM pg_catalog.pg_trigger tg
             JOIN pg_catalog.pg_class c ON c.oid = tg.tgrelid
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             LEFT JOIN audit.logged_relations r ON r.schema_name = n.nspname AND r.table_name = c.relname
             WHERE tg.tgname = 'lizsync_audit' LOOP
        EXECUTE format('DROP TRIGGER lizsync_audit ON %s', t.rel);
        PERFORM audit.audit_table(t.schema_name, t.table_name, t.uid_column);
    END LOOP;
END;
$do$;
