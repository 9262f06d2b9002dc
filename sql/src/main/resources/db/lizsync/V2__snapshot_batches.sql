-- LizSync tools, version 2: order-safe change selection and the exchange state.
--
-- Changes are no longer chosen by "event_id > last max" (a transaction that got its ids before a
-- sync but committed after it would be skipped for ever). Central takes ticks: snapshots of
-- committed transactions (pg_current_snapshot()). What a clone receives is every change whose
-- transaction is not visible in the snapshot of the tick it last committed, and is visible to the
-- pull's own snapshot (pg_visible_in_snapshot), whatever the event_id order.
-- On a clone, a push marks exactly the committed log rows it sends (push_id) and deletes them only
-- once central has confirmed them; a row committed later keeps push_id NULL and goes next time.

CREATE INDEX logged_actions_transaction_id_idx ON audit.logged_actions (transaction_id);
ALTER TABLE audit.logged_actions ADD COLUMN push_id uuid;
COMMENT ON COLUMN audit.logged_actions.push_id IS 'On a clone: the push that carries this change to central (NULL: not sent yet).';

CREATE TABLE lizsync.ticks (
    tick_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tick_time timestamptz NOT NULL DEFAULT now(),
    tick_snapshot pg_snapshot NOT NULL
);
COMMENT ON TABLE lizsync.ticks IS 'Snapshots delimiting change batches (PgQ style); a clone cursor is a tick id.';

-- On central: one row per clone. On a clone: one row, itself.
CREATE TABLE lizsync.clone_state (
    clone_id uuid PRIMARY KEY,
    clone_name text NOT NULL,
    central_id uuid,
    last_tick_id bigint,
    last_sync timestamptz,
    last_clock_offset_ms bigint,
    redeploy_required boolean NOT NULL DEFAULT false,
    package_id uuid,
    credential_hash text,
    credential_issued_at timestamptz,
    credential_revoked_at timestamptz,
    session_id uuid,
    session_started timestamptz,
    session_tick_id bigint
);
COMMENT ON TABLE lizsync.clone_state IS 'Exchange state of a clone: cursor (last committed tick), credential hash (SHA-256, never the secret), running session.';

-- Pushes already applied on central: a retried push is answered, not applied again.
CREATE TABLE lizsync.received_pushes (
    push_id uuid PRIMARY KEY,
    clone_id uuid NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    change_count bigint NOT NULL,
    applied bigint NOT NULL,
    conflicts bigint NOT NULL,
    sync_id uuid
);
COMMENT ON TABLE lizsync.received_pushes IS 'Clone pushes applied here, for idempotent retries.';

-- On central: rows a clone must receive whole at its next pull (its delete lost to a later update).
CREATE TABLE lizsync.resend_rows (
    clone_id uuid NOT NULL,
    schema_name text NOT NULL,
    table_name text NOT NULL,
    uid uuid NOT NULL,
    PRIMARY KEY (clone_id, schema_name, table_name, uid)
);

-- Conflict policy per table; tables without a row use last_edit_wins.
CREATE TABLE lizsync.table_policies (
    schema_name text NOT NULL,
    table_name text NOT NULL,
    policy text NOT NULL DEFAULT 'last_edit_wins'
        CHECK (policy IN ('last_edit_wins', 'central_wins', 'clone_wins', 'manual')),
    PRIMARY KEY (schema_name, table_name)
);

ALTER TABLE lizsync.history ADD COLUMN tick_id bigint;
COMMENT ON COLUMN lizsync.history.tick_id IS 'Tick (snapshot) that closes this item; for a package, the snapshot of its data.';

-- On a clone: synchronisations requested from SQL, answered by the sync-service sidecar.
CREATE TABLE lizsync.sync_requests (
    request_id uuid PRIMARY KEY,
    requested_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    status integer,
    replayed_to_central bigint,
    replayed_to_clone bigint,
    conflicts bigint,
    message text
);

-- SELECT * FROM lizsync.synchronize(): asks the sidecar next to this clone database for a full
-- sync and waits for its answer. The request is signalled through this session's
-- application_name (visible to the sidecar at once, even inside an open transaction); the
-- sidecar writes the outcome into lizsync.sync_requests, which each loop turn reads afresh.
CREATE FUNCTION lizsync.synchronize(timeout_seconds integer DEFAULT 120)
    RETURNS TABLE (number_replayed_to_central bigint, number_replayed_to_clone bigint, number_conflicts bigint)
    LANGUAGE plpgsql
    SET search_path = pg_catalog
AS $func$
DECLARE
    v_request uuid := gen_random_uuid();
    v_previous text := current_setting('application_name');
    v_deadline timestamptz := clock_timestamp() + make_interval(secs => timeout_seconds);
    r lizsync.sync_requests%ROWTYPE;
BEGIN
    PERFORM set_config('application_name', 'lizsync-sync-request:' || v_request, false);
    LOOP
        SELECT * INTO r FROM lizsync.sync_requests WHERE request_id = v_request;
        EXIT WHEN FOUND AND r.finished_at IS NOT NULL;
        IF clock_timestamp() > v_deadline THEN
            PERFORM set_config('application_name', v_previous, false);
            RAISE EXCEPTION 'lizsync.synchronize: no sync-service sidecar answered within % s', timeout_seconds
                USING HINT = 'Start the sync-service in the clone role next to this database (see README).';
        END IF;
        PERFORM pg_sleep(0.05);
    END LOOP;
    PERFORM set_config('application_name', v_previous, false);
    IF r.status <> 1 THEN
        RAISE EXCEPTION 'lizsync.synchronize failed: %', r.message;
    END IF;
    RETURN QUERY SELECT r.replayed_to_central, r.replayed_to_clone, r.conflicts;
END;
$func$;
