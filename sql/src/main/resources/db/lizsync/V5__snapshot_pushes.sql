-- LizSync tools, version 5: pushes marked by snapshot, a cheaper capture trigger.
--
-- A clone's push no longer writes its id into every log row it carries (UPDATE of the whole log
-- before each push). The push is the set of log rows whose transaction is visible in one snapshot,
-- kept with the push id in lizsync.clone_state: those rows are read, sent again with the same id
-- until central confirms them, then deleted. A transaction that commits later is not visible in
-- that snapshot (still running: listed in it; newer: past its xmax), so its rows wait for the
-- next push, whatever their event_id.
--
-- The capture trigger does the same as in version 4 with fewer steps on the path of every user
-- write (settings tested once, nothing computed for a local edit that only replays need), and
-- audit.logged_actions loses its CHECK on action: it was parsed and planned again for every
-- logged row (a third of the trigger's cost, measured in instructions per UPDATE); only this
-- trigger and the sync-service write the log.

ALTER TABLE lizsync.clone_state ADD COLUMN open_push_id uuid;
ALTER TABLE lizsync.clone_state ADD COLUMN open_push_snapshot pg_snapshot;
COMMENT ON COLUMN lizsync.clone_state.open_push_id IS 'On a clone: the push sent and not yet confirmed by central (NULL: none).';
COMMENT ON COLUMN lizsync.clone_state.open_push_snapshot IS 'On a clone: the push carries exactly the log rows whose transaction_id is visible in this snapshot.';

-- A push marked the version 4 way (rows carrying its id) becomes the same push by snapshot: every
-- marked transaction visible, every unmarked one not (listed as running, or past xmax). All rows
-- of one transaction were marked together, so the two sets of transactions do not overlap.
WITH marked AS (
    SELECT DISTINCT CAST(CAST(transaction_id AS text) AS bigint) AS x, push_id IS NOT NULL AS sent
    FROM audit.logged_actions
), bounds AS (
    SELECT max(x) + 1 AS xmax,
           min(x) FILTER (WHERE NOT sent) AS xmin_unsent
    FROM marked
), snap AS (
    SELECT coalesce(b.xmin_unsent, b.xmax) || ':' || b.xmax || ':'
           || coalesce((SELECT string_agg(m.x::text, ',' ORDER BY m.x) FROM marked m WHERE NOT m.sent), '')
           AS text
    FROM bounds b
)
UPDATE lizsync.clone_state s
SET open_push_id = (SELECT l.push_id FROM audit.logged_actions l WHERE l.push_id IS NOT NULL LIMIT 1),
    open_push_snapshot = CAST((SELECT snap.text FROM snap) AS pg_snapshot)
WHERE s.clone_id = (SELECT m.server_id FROM lizsync.server_metadata m WHERE m.server_role = 'clone')
  AND EXISTS (SELECT 1 FROM audit.logged_actions l WHERE l.push_id IS NOT NULL);

ALTER TABLE audit.logged_actions DROP COLUMN push_id;
ALTER TABLE audit.logged_actions DROP CONSTRAINT IF EXISTS logged_actions_action_check;
COMMENT ON COLUMN audit.logged_actions.action IS 'I insert, U update, D delete, T truncate (written only by the capture trigger and the sync-service).';

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
            v_sync := pg_catalog.jsonb_build_object('origin', v_origin, 'sync_id',
                NULLIF(pg_catalog.current_setting('lizsync.sync_id', true), ''));
        END IF;
    END IF;
    IF TG_OP OPERATOR(pg_catalog.=) 'UPDATE' THEN
        h_old := public.hstore(OLD.*);
        v_changed := public.hstore(NEW.*) OPERATOR(public.-) h_old;
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
        v_row := public.hstore(NEW.*);
    ELSE
        v_row := public.hstore(OLD.*);
    END IF;
    INSERT INTO audit.logged_actions (schema_name, table_name, relid, uid, action, row_data, sync_data)
    VALUES (TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_RELID,
            CAST(v_row OPERATOR(public.->) COALESCE(TG_ARGV[0], 'uid') AS pg_catalog.uuid),
            CAST(pg_catalog.substr(TG_OP, 1, 1) AS pg_catalog."char"), v_row, v_sync);
    RETURN NULL;
END;
$func$;
COMMENT ON FUNCTION audit.if_modified_func() IS 'Audit trigger: logs INSERT/UPDATE/DELETE (row level) and TRUNCATE (statement level). Argument: uid column name. Every name schema-qualified (no function-level search_path).';

