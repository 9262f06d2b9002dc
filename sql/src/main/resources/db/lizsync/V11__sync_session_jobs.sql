-- LizSync tools: sync sessions as jobs (ADR 0019). Central's; on a clone the table stays empty.
--
-- A sync session of a clone that exchanges something is the job "clone-sync" of that clone
-- (lizsync.jobs.v1, id "sync-<job_id>"): running from its hello, through its push and pull, to
-- its acknowledgement (succeeded), or failed, or cancelled at a safe point. An operator may also
-- request a sync over REST: the job is then queued until the clone's next contact, whose session
-- adopts it. Central keeps the jobs here, so they outlive a restart of central and of the gateway.
-- At most one queued and one running job per clone (partial unique indexes): two concurrent
-- requests cannot queue two, two hellos cannot run two.

CREATE TABLE lizsync.sync_jobs (
    job_id uuid PRIMARY KEY,
    clone_id uuid NOT NULL,
    session_id uuid,
    state text NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    step text NOT NULL DEFAULT '',
    push_done bigint NOT NULL DEFAULT 0,
    push_total bigint NOT NULL DEFAULT 0,
    pull_done bigint NOT NULL DEFAULT 0,
    pull_total bigint NOT NULL DEFAULT 0,
    to_central bigint NOT NULL DEFAULT 0,
    to_clone bigint NOT NULL DEFAULT 0,
    conflicts bigint NOT NULL DEFAULT 0,
    result text NOT NULL DEFAULT '',
    message text NOT NULL DEFAULT '',
    error_code text NOT NULL DEFAULT '',
    created_by text NOT NULL,
    requested boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    started_at timestamptz,
    finished_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    cancel_requested boolean NOT NULL DEFAULT false,
    cancelled_by text NOT NULL DEFAULT '',
    revision bigint NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX sync_jobs_one_queued_idx ON lizsync.sync_jobs (clone_id) WHERE state = 'queued';
CREATE UNIQUE INDEX sync_jobs_one_running_idx ON lizsync.sync_jobs (clone_id) WHERE state = 'running';
CREATE INDEX sync_jobs_session_idx ON lizsync.sync_jobs (session_id) WHERE state = 'running';
CREATE INDEX sync_jobs_newest_idx ON lizsync.sync_jobs (created_at DESC, job_id DESC);
CREATE INDEX sync_jobs_clone_idx ON lizsync.sync_jobs (clone_id, created_at DESC, job_id DESC);
COMMENT ON TABLE lizsync.sync_jobs IS 'On central: sync sessions of clones that exchanged something, and syncs requested by operators (jobs "sync-<job_id>").';
COMMENT ON COLUMN lizsync.sync_jobs.session_id IS 'The session running the job (Hello''s session id); null while queued.';
COMMENT ON COLUMN lizsync.sync_jobs.push_total IS 'Changes the clone said it holds unsent at hello (its log rows): the push''s expected size.';
COMMENT ON COLUMN lizsync.sync_jobs.pull_total IS 'Log events central reads for the pull, counted in the pull''s snapshot.';
COMMENT ON COLUMN lizsync.sync_jobs.requested IS 'Requested by an operator (queued until the clone''s next contact), not opened by the clone''s own hello.';
COMMENT ON COLUMN lizsync.sync_jobs.revision IS 'Incremented by every change: a watcher sends the job again when it moved.';
COMMENT ON COLUMN lizsync.sync_jobs.updated_at IS 'Last change; a running job silent for too long is failed by central.';
