-- Registry schema, version 1. Forward-only: later changes go in V2__..., never edit this file.
-- Flyway creates the schema `registry` (quarkus.flyway.schemas) and keeps its history there.
-- Secrets are never stored: clone credentials, sessions and API tokens keep a SHA-256 (hex) of the
-- token, users a PBKDF2 hash of the password.

CREATE TABLE registry.servers (
    id                uuid        PRIMARY KEY,
    name              text        NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    kind              text        NOT NULL CHECK (kind IN ('central', 'clone', 'tier')),
    parent_id         uuid        REFERENCES registry.servers (id) ON DELETE RESTRICT,
    status            text        NOT NULL CHECK (status IN ('registered', 'active', 'redeploy_required', 'disabled')),
    description       text        NOT NULL DEFAULT '',
    tools_version     text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    last_contact_at   timestamptz,
    tables_updated_at timestamptz,
    CHECK ((kind = 'central') = (parent_id IS NULL)),
    CHECK (parent_id IS DISTINCT FROM id)
);
-- One central server per mesh.
CREATE UNIQUE INDEX servers_single_central ON registry.servers ((kind)) WHERE kind = 'central';
CREATE INDEX servers_parent_idx ON registry.servers (parent_id);

CREATE TABLE registry.clone_credentials (
    id           uuid        PRIMARY KEY,
    server_id    uuid        NOT NULL REFERENCES registry.servers (id) ON DELETE CASCADE,
    token_hash   text        NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    issued_at    timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz,
    last_used_at timestamptz
);
CREATE INDEX clone_credentials_server_idx ON registry.clone_credentials (server_id);

CREATE TABLE registry.server_tables (
    server_id   uuid NOT NULL REFERENCES registry.servers (id) ON DELETE CASCADE,
    schema_name text NOT NULL CHECK (octet_length(schema_name) BETWEEN 1 AND 63),
    table_name  text NOT NULL CHECK (octet_length(table_name) BETWEEN 1 AND 63),
    PRIMARY KEY (server_id, schema_name, table_name)
);

CREATE TABLE registry.roles (
    name        text        PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 100),
    description text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO registry.roles (name, description) VALUES
    ('admin',  'Administers the mesh: servers, users, tokens, projects, conflicts'),
    ('editor', 'Edits data and runs packages, deploys and synchronisations'),
    ('viewer', 'Reads data, projects and the dashboard');

CREATE TABLE registry.users (
    id            uuid        PRIMARY KEY,
    login         text        NOT NULL UNIQUE CHECK (length(login) BETWEEN 1 AND 200),
    display_name  text        NOT NULL DEFAULT '',
    email         text        NOT NULL DEFAULT '',
    -- pbkdf2_sha256$<iterations>$<salt base64>$<hash base64>
    password_hash text        NOT NULL CHECK (password_hash LIKE 'pbkdf2_sha256$%'),
    disabled      boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE registry.user_roles (
    user_id   uuid NOT NULL REFERENCES registry.users (id) ON DELETE CASCADE,
    role_name text NOT NULL REFERENCES registry.roles (name) ON DELETE CASCADE,
    PRIMARY KEY (user_id, role_name)
);

CREATE TABLE registry.user_sessions (
    id         uuid        PRIMARY KEY,
    user_id    uuid        NOT NULL REFERENCES registry.users (id) ON DELETE CASCADE,
    token_hash text        NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    device_id  uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    ended_at   timestamptz
);
CREATE INDEX user_sessions_user_idx ON registry.user_sessions (user_id);
CREATE INDEX user_sessions_expires_idx ON registry.user_sessions (expires_at);

CREATE TABLE registry.devices (
    id            uuid        PRIMARY KEY,
    name          text        NOT NULL DEFAULT '',
    user_id       uuid        REFERENCES registry.users (id) ON DELETE SET NULL,
    registered_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX devices_user_idx ON registry.devices (user_id);

CREATE TABLE registry.api_tokens (
    id           uuid        PRIMARY KEY,
    user_id      uuid        NOT NULL REFERENCES registry.users (id) ON DELETE CASCADE,
    name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- space-separated scopes, sorted (OAuth style)
    scopes       text        NOT NULL,
    token_hash   text        NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz,
    revoked_at   timestamptz,
    last_used_at timestamptz
);
CREATE INDEX api_tokens_user_idx ON registry.api_tokens (user_id);

CREATE TABLE registry.projects (
    id          uuid        PRIMARY KEY,
    key         text        NOT NULL UNIQUE CHECK (length(key) BETWEEN 1 AND 100),
    title       text        NOT NULL DEFAULT '',
    description text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Roles whose users may see a project; a project without rows here is visible to every user.
CREATE TABLE registry.project_roles (
    project_id uuid NOT NULL REFERENCES registry.projects (id) ON DELETE CASCADE,
    role_name  text NOT NULL REFERENCES registry.roles (name) ON DELETE CASCADE,
    PRIMARY KEY (project_id, role_name)
);

CREATE TABLE registry.project_tables (
    project_id      uuid    NOT NULL REFERENCES registry.projects (id) ON DELETE CASCADE,
    schema_name     text    NOT NULL CHECK (octet_length(schema_name) BETWEEN 1 AND 63),
    table_name      text    NOT NULL CHECK (octet_length(table_name) BETWEEN 1 AND 63),
    title           text    NOT NULL DEFAULT '',
    description     text    NOT NULL DEFAULT '',
    geometry_column text    NOT NULL DEFAULT '',
    position        integer NOT NULL DEFAULT 0,
    editable        boolean NOT NULL DEFAULT false,
    PRIMARY KEY (project_id, schema_name, table_name)
);

CREATE TABLE registry.project_documents (
    id           uuid        PRIMARY KEY,
    project_id   uuid        NOT NULL REFERENCES registry.projects (id) ON DELETE CASCADE,
    -- both null: a document of the whole project; both set: a document of that layer
    layer_schema text,
    layer_table  text,
    title        text        NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
    kind         text        NOT NULL CHECK (kind IN ('file', 'url')),
    location     text        NOT NULL CHECK (length(location) BETWEEN 1 AND 2000),
    media_type   text        NOT NULL DEFAULT '',
    size_bytes   bigint      NOT NULL DEFAULT 0 CHECK (size_bytes >= 0),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK ((layer_schema IS NULL) = (layer_table IS NULL)),
    -- removing a layer from a project removes its documents
    FOREIGN KEY (project_id, layer_schema, layer_table)
        REFERENCES registry.project_tables (project_id, schema_name, table_name) ON DELETE CASCADE
);
CREATE INDEX project_documents_project_idx ON registry.project_documents (project_id);
