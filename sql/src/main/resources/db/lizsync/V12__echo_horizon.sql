-- LizSync tools: a redeployed clone gets back its own earlier changes (issue 6/12, ADR 0015
-- "Syncing first").
--
-- A clone never receives what it wrote (no echo, ADR 0009). A clone redeployed from a package is a
-- new incarnation, rebuilt from the package's snapshot: what its earlier incarnation sent to central
-- after that snapshot is not in it, so for it those changes are someone else's. When a clone
-- registers (every deploy ends with a registration), central keeps its log position then (the last
-- event id handed out by audit.logged_actions): the clone's changes logged at or before it are sent
-- to it like anyone's, those after it (the new incarnation's) stay echoes. Changes of the earlier
-- incarnation in the package are not read again: the clone's cursor starts at the package's tick.

ALTER TABLE lizsync.clone_state ADD COLUMN echo_horizon bigint NOT NULL DEFAULT 0;
COMMENT ON COLUMN lizsync.clone_state.echo_horizon IS 'On central: the last event id of audit.logged_actions at the clone''s last registration; its changes logged at or before it were written by an earlier incarnation of the clone and are sent to it (0: none).';
