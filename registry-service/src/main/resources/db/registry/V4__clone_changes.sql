-- Registry schema, version 4: the feed of clone changes central's exchange polls (ADR 0013).
-- Every write to a clone's server row, credentials or tables records the writing transaction's id
-- against the server; ListCloneChanges selects the servers whose last writer was not yet visible
-- in the caller's previous snapshot (PgQ style: a late commit is never skipped).

CREATE TABLE registry.clone_changes (
    server_id  uuid PRIMARY KEY,
    changed_by xid8 NOT NULL
);

CREATE FUNCTION registry.note_clone_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
DECLARE
    changed uuid;
BEGIN
    IF TG_TABLE_NAME = 'servers' THEN
        changed := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
    ELSE
        changed := CASE WHEN TG_OP = 'DELETE' THEN OLD.server_id ELSE NEW.server_id END;
    END IF;
    INSERT INTO registry.clone_changes (server_id, changed_by) VALUES (changed, pg_current_xact_id())
    ON CONFLICT (server_id) DO UPDATE SET changed_by = EXCLUDED.changed_by;
    RETURN NULL;
END;
$$;

CREATE TRIGGER clone_changes AFTER INSERT OR UPDATE OR DELETE ON registry.servers
    FOR EACH ROW EXECUTE FUNCTION registry.note_clone_change();
CREATE TRIGGER clone_changes AFTER INSERT OR UPDATE OR DELETE ON registry.clone_credentials
    FOR EACH ROW EXECUTE FUNCTION registry.note_clone_change();
CREATE TRIGGER clone_changes AFTER INSERT OR UPDATE OR DELETE ON registry.server_tables
    FOR EACH ROW EXECUTE FUNCTION registry.note_clone_change();

-- Everything that exists now is "changed" once, so that a first call sees every clone.
INSERT INTO registry.clone_changes (server_id, changed_by)
SELECT id, pg_current_xact_id() FROM registry.servers;
