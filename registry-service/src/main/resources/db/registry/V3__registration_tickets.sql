-- Registry schema, version 3: single-use registration tickets (ADR 0013). Every clone registration
-- is the redemption of a ticket an administrator or operator issued: the ticket fixes the clone's
-- name, its tables and, for a deploy, the package. Forward-only: never edit V1 or V2.
-- Only the SHA-256 (hex) of the clear ticket ("lzr_...") is stored.

CREATE TABLE registry.registration_tickets (
    id                      uuid        PRIMARY KEY,
    token_hash              text        NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    clone_name              text        NOT NULL CHECK (length(clone_name) BETWEEN 1 AND 200),
    -- the clone a re-registration ticket names; null: the ticket can only make a new clone
    clone_id                uuid,
    -- the package of a deploy; null for a clone that attaches an existing database
    package_id              uuid,
    package_history_sync_id uuid,
    -- login of the administrator or operator who issued it
    issued_by               text        NOT NULL,
    issued_at               timestamptz NOT NULL DEFAULT now(),
    expires_at              timestamptz NOT NULL,
    redeemed_at             timestamptz,
    -- no foreign key: a ticket outlives the server it registered (history of who registered what)
    redeemed_server_id      uuid,
    CHECK (expires_at > issued_at),
    CHECK ((redeemed_at IS NULL) = (redeemed_server_id IS NULL))
);
CREATE INDEX registration_tickets_clone_idx ON registry.registration_tickets (clone_id);

CREATE TABLE registry.registration_ticket_tables (
    ticket_id   uuid NOT NULL REFERENCES registry.registration_tickets (id) ON DELETE CASCADE,
    schema_name text NOT NULL CHECK (octet_length(schema_name) BETWEEN 1 AND 63),
    table_name  text NOT NULL CHECK (octet_length(table_name) BETWEEN 1 AND 63),
    PRIMARY KEY (ticket_id, schema_name, table_name)
);
