-- Devices an administrator blocked (issue 14): a blocked device is refused by UseDevice and
-- RegisterDevice until it is unblocked. NULL: not blocked.
ALTER TABLE registry.devices ADD COLUMN blocked_at timestamptz;
