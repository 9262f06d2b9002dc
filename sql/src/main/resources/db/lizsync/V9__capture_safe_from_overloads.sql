-- Tools version 9: the capture trigger cannot be made to call a writer's function or operator.
--
-- audit.if_modified_func() runs as the owner of the tools (SECURITY DEFINER) with the writer's
-- search_path (a function-level SET costs 5-10 % of write throughput, see version 4). Qualified
-- names keep other schemas out, but not other functions of the same name in the same schema:
-- PostgreSQL takes an exact match of the argument types first. Two calls could thus run, as that
-- owner, a function written by any role allowed to create in schema public:
--
-- * public.hstore(OLD.*) / public.hstore(NEW.*): the argument is typed as the audited table's row
--   type, so a public.hstore(<that row type>) beats the extension's hstore(record).
--   CAST(OLD AS record) does not help: the parser leaves a row-typed value as it is when it is cast
--   to record, and the overload is still the exact match (checked on PostgreSQL 15). The row now
--   goes through the prefix operator audit.#@, whose function is fixed when the operator is made
--   here: public.hstore(record), looked up by its exact signature. Only the tools' owner may create
--   in schema audit, so no other operator of that name can exist, and the executor calls an
--   operator's function exactly as it calls a function: nothing more per write.
-- * NULLIF(x, '') (versions 5-8): its "=" is looked up through the search_path (so are a simple
--   CASE's and IS DISTINCT FROM's), and an =(text, text) in a schema the writer puts before
--   pg_catalog wins (public, or any schema it may create in). It ran for every row written with
--   lizsync.origin set, which any session may set. Now a searched CASE with OPERATOR(pg_catalog.=).
--
-- What remains cannot be overloaded more specifically: pg_catalog functions and operators (only
-- superusers create there); hstore's -, =, ->, slice and akeys, whose arguments are exactly
-- public.hstore, text and text[] (the extension's own signatures: a schema holds one function per
-- signature, and only its owner may replace it); casts, found by source and target type, never by
-- name (only a type's owner may add one); the trigger's WHEN condition, resolved once when
-- audit.audit_table created the trigger with search_path pg_catalog. pg_temp is never searched for
-- functions or operators, and every table and type is qualified.

CREATE OPERATOR audit.#@ (RIGHTARG = pg_catalog.record, FUNCTION = public.hstore);
COMMENT ON OPERATOR audit.#@ (NONE, pg_catalog.record) IS 'A row as hstore, always through the hstore extension''s hstore(record), whatever the row''s type: the capture trigger''s only way to convert rows.';

CREATE OR REPLACE FUNCTION audit.if_modified_func() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER
AS $func$
DECLARE
    h_old public.hstore;
    v_row public.hstore;
    v_changed public.hstore;
    v_sync pg_catalog.jsonb;
    v_capture pg_catalog.text := pg_catalog.current_setting('lizsync.capture', true);
    v_origin pg_catalog.text := pg_catalog.current_setting('lizsync.origin', true);
BEGIN
    -- Both settings are unset or empty for a user's own write: one test on that path.
    IF v_capture OPERATOR(pg_catalog.<>) '' OR v_origin OPERATOR(pg_catalog.<>) '' THEN
        -- 'off': not logged at all; 'replayed': the replay statement logs its own rows set-based,
        -- rows that user triggers derive from them (depth > 1) are captured here as usual.
        IF v_capture OPERATOR(pg_catalog.=) 'off' OR (v_capture OPERATOR(pg_catalog.=) 'replayed'
                AND pg_catalog.pg_trigger_depth() OPERATOR(pg_catalog.=) 1) THEN
            RETURN NULL;
        END IF;
        IF v_origin OPERATOR(pg_catalog.<>) '' AND pg_catalog.pg_trigger_depth() OPERATOR(pg_catalog.=) 1 THEN
            -- Read twice rather than kept in a variable: a declared variable is initialised on
            -- every call, and only rows written with lizsync.origin set come here.
            v_sync := pg_catalog.jsonb_build_object('origin', v_origin, 'sync_id',
                CASE WHEN pg_catalog.current_setting('lizsync.sync_id', true) OPERATOR(pg_catalog.=) '' THEN NULL
                     ELSE pg_catalog.current_setting('lizsync.sync_id', true) END);
        END IF;
    END IF;
    IF TG_OP OPERATOR(pg_catalog.=) 'UPDATE' THEN
        h_old := OPERATOR(audit.#@) OLD;
        v_changed := (OPERATOR(audit.#@) NEW) OPERATOR(public.-) h_old;
        IF v_changed OPERATOR(public.=) ''::public.hstore THEN
            RETURN NULL;
        END IF;
        INSERT INTO audit.logged_actions (schema_name, table_name, relid, uid, action, row_data, changed_fields, sync_data)
        VALUES (TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_RELID,
                CAST(h_old OPERATOR(public.->) COALESCE(TG_ARGV[0], 'uid') AS pg_catalog.uuid), 'U',
                public.slice(h_old, public.akeys(v_changed)), v_changed, v_sync);
        RETURN NULL;
    END IF;
    IF TG_LEVEL OPERATOR(pg_catalog.=) 'STATEMENT' THEN
        INSERT INTO audit.logged_actions (schema_name, table_name, relid, action, sync_data)
        VALUES (TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_RELID, 'T', v_sync);
        RETURN NULL;
    END IF;
    IF TG_OP OPERATOR(pg_catalog.=) 'INSERT' THEN
        v_row := OPERATOR(audit.#@) NEW;
    ELSE
        v_row := OPERATOR(audit.#@) OLD;
    END IF;
    INSERT INTO audit.logged_actions (schema_name, table_name, relid, uid, action, row_data, sync_data)
    VALUES (TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_RELID,
            CAST(v_row OPERATOR(public.->) COALESCE(TG_ARGV[0], 'uid') AS pg_catalog.uuid),
            CAST(pg_catalog.substr(TG_OP, 1, 1) AS pg_catalog."char"), v_row, v_sync);
    RETURN NULL;
END;
$func$;
COMMENT ON FUNCTION audit.if_modified_func() IS 'Audit trigger: logs INSERT/UPDATE/DELETE (row level) and TRUNCATE (statement level). Argument: uid column name. No function-level search_path: every name schema-qualified, every call unable to match a function or operator of the writer''s (rows go through audit.#@, i.e. hstore(record); no NULLIF, simple CASE or IS DISTINCT FROM).';
