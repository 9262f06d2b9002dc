-- Tools version 7: a node that is both a clone (of its parent) and a central (of its children).
--
-- A plain clone's log is its outbox: a push central confirmed leaves the log. A tier's log is also
-- what its children pull, so a confirmed push must stay there: the push is marked as sent by its
-- snapshot instead. The next push carries the transactions visible in its own snapshot and not in
-- the one of the last confirmed push; the edits not yet sent are those visible in neither.
ALTER TABLE lizsync.clone_state ADD COLUMN pushed_snapshot pg_snapshot;
COMMENT ON COLUMN lizsync.clone_state.pushed_snapshot IS 'On a clone: the snapshot of the last push its central confirmed (its log rows are sent; a tier keeps them for its children); NULL before the first.';
