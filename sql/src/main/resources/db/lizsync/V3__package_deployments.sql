-- LizSync tools, version 3: which clone deployed which package, and when (on central).
-- The package's 'full' history item lists the clones too (server_to); this table adds the times
-- and the clone's name, for the package and deployment listings.

CREATE TABLE lizsync.package_deployments (
    deployment_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    package_id uuid NOT NULL,
    history_sync_id uuid,
    clone_id uuid NOT NULL,
    clone_name text NOT NULL,
    deployed_at timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (package_id, clone_id, deployed_at)
);
CREATE INDEX package_deployments_recorded_idx ON lizsync.package_deployments (recorded_at DESC, deployment_id);
COMMENT ON TABLE lizsync.package_deployments IS 'Deployments of packages on clones, as the clones reported them.';
