-- Tools version 6: the clocks that stamp edits, measured between the databases, and original edit
-- times kept with replayed changes.
--
-- * The clock offset of a clone is measured by central itself, between the clone database's clock
--   and central's database clock (NTP-style: several samples, the one with the shortest round
--   trip), with its uncertainty (half that round trip). It is kept for the session that measured
--   it and recorded with each sync and with every conflict it decided.
-- * A change central replays from a clone is logged with the time the edit was really made (on
--   central's clock) as action_tstamp_tx, and, where the fields of one net change were edited at
--   different times or by different nodes, their times and origins in sync_data
--   ("field_times": {field: time}, "field_origins": {field: server id}).

ALTER TABLE lizsync.clone_state ADD COLUMN session_clock_offset_ms bigint;
ALTER TABLE lizsync.clone_state ADD COLUMN session_clock_uncertainty_ms bigint;
ALTER TABLE lizsync.clone_state ADD COLUMN last_clock_uncertainty_ms bigint;
ALTER TABLE lizsync.clone_state ADD COLUMN last_clock_measured_at timestamptz;
COMMENT ON COLUMN lizsync.clone_state.session_clock_offset_ms IS 'On central: central database clock minus the clone database clock (ms), measured by central in the open session; NULL until measured.';
COMMENT ON COLUMN lizsync.clone_state.session_clock_uncertainty_ms IS 'On central: half the round trip of the sample the session offset was taken from (ms).';
COMMENT ON COLUMN lizsync.clone_state.last_clock_uncertainty_ms IS 'On central: uncertainty of last_clock_offset_ms (ms).';

ALTER TABLE lizsync.history ADD COLUMN clock_offset_ms bigint;
ALTER TABLE lizsync.history ADD COLUMN clock_uncertainty_ms bigint;
COMMENT ON COLUMN lizsync.history.clock_offset_ms IS 'Clone to central: the measured clock offset applied to the clone''s edit times (ms).';
COMMENT ON COLUMN lizsync.history.clock_uncertainty_ms IS 'Clone to central: uncertainty of clock_offset_ms (ms).';

ALTER TABLE lizsync.conflicts ADD COLUMN clock_uncertainty_ms bigint;
ALTER TABLE lizsync.conflicts ADD COLUMN within_clock_uncertainty boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN lizsync.conflicts.within_clock_uncertainty IS 'True when the two edit times are closer than the clock uncertainty: the rule decided, but the order of the edits is not certain.';
