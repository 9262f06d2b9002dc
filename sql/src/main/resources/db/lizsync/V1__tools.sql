-- LizSync tools, version 1: the audit schema (change capture) and the lizsync schema (servers,
-- history, conflicts, per-clone tables). Installed in the central database and in every clone.
-- Flyway records the installed version in lizsync.tools_history; never edit a released file,
-- add a new version instead.

CREATE EXTENSION IF NOT EXISTS hstore WITH SCHEMA public;

CREATE SCHEMA IF NOT EXISTS audit;
COMMENT ON SCHEMA audit IS 'LizSync change capture: audited tables and the log of their row changes.';
CREATE SCHEMA IF NOT EXISTS lizsync;
COMMENT ON SCHEMA lizsync IS 'LizSync synchronisation metadata: servers, history, conflicts, synchronised tables.';

-- Tables whose changes are captured, and the column used as synchronisation pivot.
CREATE TABLE audit.logged_relations (
    schema_name text NOT NULL,
    table_name text NOT NULL,
    uid_column text NOT NULL DEFAULT 'uid',
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (schema_name, table_name)
);
COMMENT ON TABLE audit.logged_relations IS 'Tables audited by audit.if_modified_func, with their uid column.';

-- One row per changed row. Kept lean: every user write pays for it.
CREATE TABLE audit.logged_actions (
    event_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    schema_name text NOT NULL,
    table_name text NOT NULL,
    relid oid NOT NULL,
    uid uuid,
    action "char" NOT NULL CHECK (action IN ('I', 'U', 'D', 'T')),
    row_data public.hstore,
    changed_fields public.hstore,
    action_tstamp_tx timestamptz NOT NULL DEFAULT transaction_timestamp(),
    action_tstamp_clk timestamptz NOT NULL DEFAULT clock_timestamp(),
    transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
    sync_data jsonb
);
COMMENT ON TABLE audit.logged_actions IS 'Row changes of audited tables, one row per changed row.';
COMMENT ON COLUMN audit.logged_actions.uid IS 'Value of the uid pivot column of the changed row.';
COMMENT ON COLUMN audit.logged_actions.action IS 'I insert, U update, D delete, T truncate.';
COMMENT ON COLUMN audit.logged_actions.row_data IS 'I: the new row; U: previous values of the changed fields; D: the deleted row. PostgreSQL text representations.';
COMMENT ON COLUMN audit.logged_actions.changed_fields IS 'U: new values of the changed fields only; NULL otherwise.';
COMMENT ON COLUMN audit.logged_actions.transaction_id IS 'pg_current_xact_id() of the writing transaction: used to select changes by snapshot, not by event_id order.';
COMMENT ON COLUMN audit.logged_actions.sync_data IS 'NULL for a local edit; for a replayed change {"origin": server uuid, "sync_id": history uuid}.';

-- The capture trigger. A local edit is logged with sync_data NULL. A replay sets the session
-- settings lizsync.origin (origin server id) and lizsync.sync_id; lizsync.capture = 'off'
-- suppresses logging altogether (replay on a clone must not log again). Only the rows the replay
-- writes itself (trigger depth 1) carry the origin: rows that user triggers derive from them are
-- local changes of this server and travel to every node, the origin included.
CREATE FUNCTION audit.if_modified_func() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, public
AS $func$
DECLARE
    h_old hstore;
    h_new hstore;
    v_row hstore;
    v_changed hstore;
    v_uid text;
    v_sync jsonb;
    v_origin text := current_setting('lizsync.origin', true);
    uid_col text := coalesce(TG_ARGV[0], 'uid');
BEGIN
    IF current_setting('lizsync.capture', true) = 'off' THEN
        RETURN NULL;
    END IF;
    IF v_origin IS NOT NULL AND v_origin <> '' AND pg_trigger_depth() = 1 THEN
        v_sync := jsonb_build_object('origin', v_origin,
                                     'sync_id', nullif(current_setting('lizsync.sync_id', true), ''));
    END IF;
    IF TG_LEVEL = 'STATEMENT' THEN
        INSERT INTO audit.logged_actions (schema_name, table_name, relid, action, sync_data)
        VALUES (TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_RELID, 'T', v_sync);
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        h_old := hstore(OLD.*);
        h_new := hstore(NEW.*);
        v_changed := h_new - h_old;
        IF v_changed = ''::hstore THEN
            RETURN NULL;
        END IF;
        v_row := slice(h_old, akeys(v_changed));
        v_uid := h_old -> uid_col;
    ELSIF TG_OP = 'INSERT' THEN
        v_row := hstore(NEW.*);
        v_uid := v_row -> uid_col;
    ELSE
        v_row := hstore(OLD.*);
        v_uid := v_row -> uid_col;
    END IF;
    INSERT INTO audit.logged_actions (schema_name, table_name, relid, uid, action, row_data, changed_fields, sync_data)
    VALUES (TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_RELID, v_uid::uuid, substr(TG_OP, 1, 1), v_row, v_changed, v_sync);
    RETURN NULL;
END;
$func$;
COMMENT ON FUNCTION audit.if_modified_func() IS 'Audit trigger: logs INSERT/UPDATE/DELETE (row level) and TRUNCATE (statement level). Argument: uid column name.';

-- Starts capturing a table (idempotent). Identifiers are quoted with format(%I).
CREATE FUNCTION audit.audit_table(p_schema text, p_table text, p_uid_column text DEFAULT 'uid') RETURNS boolean
    LANGUAGE plpgsql
    SET search_path = pg_catalog
AS $func$
DECLARE
    v_rel regclass := format('%I.%I', p_schema, p_table)::regclass;
    v_added boolean := false;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = v_rel AND tgname = 'lizsync_audit') THEN
        EXECUTE format('CREATE TRIGGER lizsync_audit AFTER INSERT OR UPDATE OR DELETE ON %s FOR EACH ROW EXECUTE FUNCTION audit.if_modified_func(%L)',
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

-- This server: exactly one row. Central is named 'central'.
CREATE TABLE lizsync.server_metadata (
    server_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    server_name text NOT NULL,
    server_role text NOT NULL DEFAULT 'central' CHECK (server_role IN ('central', 'clone', 'tier')),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX server_metadata_single_row ON lizsync.server_metadata ((true));
COMMENT ON TABLE lizsync.server_metadata IS 'Identity of this server (one row).';

-- Tables each clone receives (recorded on central at deploy).
CREATE TABLE lizsync.synchronized_tables (
    server_id uuid NOT NULL,
    schema_name text NOT NULL,
    table_name text NOT NULL,
    PRIMARY KEY (server_id, schema_name, table_name)
);
COMMENT ON TABLE lizsync.synchronized_tables IS 'Per-clone list of synchronised tables.';

-- Synchronisation items: 'full' for a package, 'partial' for each direction of an exchange.
CREATE TABLE lizsync.history (
    sync_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    sync_time timestamptz NOT NULL DEFAULT now(),
    server_from uuid NOT NULL,
    server_to uuid[] NOT NULL DEFAULT '{}',
    min_event_id bigint,
    max_event_id bigint,
    max_action_tstamp_tx timestamptz,
    sync_type text NOT NULL CHECK (sync_type IN ('full', 'partial')),
    sync_status text NOT NULL DEFAULT 'pending' CHECK (sync_status IN ('pending', 'done')),
    change_count bigint NOT NULL DEFAULT 0,
    conflict_count bigint NOT NULL DEFAULT 0
);
CREATE INDEX history_sync_time_idx ON lizsync.history (sync_time DESC);
COMMENT ON TABLE lizsync.history IS 'Synchronisation items, both directions, with counts.';

-- Every conflict decision, with both sides.
CREATE TABLE lizsync.conflicts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    conflict_time timestamptz NOT NULL DEFAULT now(),
    schema_name text NOT NULL,
    table_name text NOT NULL,
    object_uid uuid NOT NULL,
    field_name text,
    clone_id uuid NOT NULL,
    central_event_id bigint,
    central_action "char",
    central_value jsonb,
    central_edited_at timestamptz,
    clone_event_id bigint,
    clone_action "char",
    clone_value jsonb,
    clone_edited_at timestamptz,
    rule_applied text NOT NULL,
    winner text NOT NULL CHECK (winner IN ('central', 'clone', 'pending')),
    decided_by text,
    decided_at timestamptz
);
CREATE INDEX conflicts_pending_idx ON lizsync.conflicts (conflict_time) WHERE winner = 'pending';
COMMENT ON TABLE lizsync.conflicts IS 'Conflict decisions: both values, both edit times, the rule and the winner.';

-- Installed tools version, read from Flyway's history table.
CREATE FUNCTION lizsync.tools_version() RETURNS text
    LANGUAGE sql STABLE
    SET search_path = pg_catalog
AS $func$
    SELECT version FROM lizsync.tools_history
    WHERE success AND version IS NOT NULL
    ORDER BY installed_rank DESC LIMIT 1
$func$;
