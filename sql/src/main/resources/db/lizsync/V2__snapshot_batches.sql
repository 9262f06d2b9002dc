-- LizSync tools, version 2: order-safe change selection and per-clone exchange state.
--
-- Changes are no longer chosen by "event_id > last max" (a transaction that got its ids before a
-- sync but committed after it would be skipped for ever). Central takes ticks: snapshots of
-- committed transactions (pg_current_snapshot()). The changes of a batch are those whose
-- transaction is visible in the newer tick and was not visible in the older one
-- (pg_visible_in_snapshot), whatever their event_id order.

CREATE INDEX logged_actions_transaction_id_idx ON audit.logged_actions (transaction_id);

CREATE TABLE lizsync.ticks (
    tick_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tick_time timestamptz NOT NULL DEFAULT now(),
    tick_snapshot pg_snapshot NOT NULL DEFAULT pg_current_snapshot(),
    max_event_id bigint NOT NULL DEFAULT 0
);
COMMENT ON TABLE lizsync.ticks IS 'Snapshots delimiting change batches (PgQ style).';

-- Exchange position of each clone (on central) or of this clone (on a clone).
CREATE TABLE lizsync.clone_state (
    clone_id uuid PRIMARY KEY,
    last_tick_id bigint,
    last_sync timestamptz,
    last_clock_offset_ms bigint,
    redeploy_required boolean NOT NULL DEFAULT false,
    package_id uuid
);
COMMENT ON TABLE lizsync.clone_state IS 'Per-clone cursor: the last central tick whose changes the clone committed.';

-- Changes received from other nodes, for idempotent replays: a change is applied once.
CREATE TABLE lizsync.received_changes (
    origin_id uuid NOT NULL,
    origin_event_id bigint NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    sync_id uuid,
    PRIMARY KEY (origin_id, origin_event_id)
);
COMMENT ON TABLE lizsync.received_changes IS 'Origin server and event ids already applied here.';

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
