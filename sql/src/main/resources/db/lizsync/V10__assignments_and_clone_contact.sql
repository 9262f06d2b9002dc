-- LizSync tools, version 10: deploys assigned to clones through central (ADR 0015), and what
-- central knows of each clone's last contact. Both are central's; on a clone they stay empty.
--
-- An assignment is the job "deploy package P on clone C" (lizsync.jobs.v1, id "deploy-<job_id>"):
-- queued until the clone's next contact, running once its sidecar claimed it, then succeeded,
-- failed or cancelled. Central keeps it here, so it outlives a restart of central and of the
-- gateway. At most one open (queued or running) assignment per clone: the partial unique index
-- makes a second one fail whatever the order of two concurrent requests.

CREATE TABLE lizsync.assignments (
    job_id uuid PRIMARY KEY,
    clone_id uuid NOT NULL,
    package_id uuid NOT NULL,
    force boolean NOT NULL DEFAULT false,
    state text NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    step text NOT NULL DEFAULT '',
    done bigint NOT NULL DEFAULT 0,
    total bigint NOT NULL DEFAULT 0,
    unit text NOT NULL DEFAULT '',
    percent integer NOT NULL DEFAULT -1,
    result text NOT NULL DEFAULT '',
    message text NOT NULL DEFAULT '',
    error_code text NOT NULL DEFAULT '',
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    started_at timestamptz,
    finished_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    cancel_requested boolean NOT NULL DEFAULT false,
    revision bigint NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX assignments_one_open_idx ON lizsync.assignments (clone_id)
    WHERE state IN ('queued', 'running');
CREATE INDEX assignments_newest_idx ON lizsync.assignments (created_at DESC, job_id DESC);
CREATE INDEX assignments_clone_idx ON lizsync.assignments (clone_id, created_at DESC, job_id DESC);
COMMENT ON TABLE lizsync.assignments IS 'On central: deploys assigned to clones, run by their sidecars at their next contact (jobs "deploy-<job_id>").';
COMMENT ON COLUMN lizsync.assignments.revision IS 'Incremented by every change: a watcher sends the job again when it moved.';
COMMENT ON COLUMN lizsync.assignments.updated_at IS 'Last change or report of the sidecar; a running assignment silent for too long is failed by central.';

ALTER TABLE lizsync.clone_state ADD COLUMN last_contact timestamptz;
ALTER TABLE lizsync.clone_state ADD COLUMN contact_tools_version text;
ALTER TABLE lizsync.clone_state ADD COLUMN unsent_changes bigint;
ALTER TABLE lizsync.clone_state ADD COLUMN oldest_unsent_at timestamptz;
COMMENT ON COLUMN lizsync.clone_state.last_contact IS 'On central: the clone''s last hello, whatever came of it.';
COMMENT ON COLUMN lizsync.clone_state.contact_tools_version IS 'On central: the tools version the clone stated at its last hello.';
COMMENT ON COLUMN lizsync.clone_state.unsent_changes IS 'On central: the clone''s edits not yet sent to central, as it stated at its last hello.';
COMMENT ON COLUMN lizsync.clone_state.oldest_unsent_at IS 'On central: edit time of the oldest of those (the clone''s database clock).';
