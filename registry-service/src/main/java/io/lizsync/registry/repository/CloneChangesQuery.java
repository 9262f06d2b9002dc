package io.lizsync.registry.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The feed of clone changes (V4, ADR 0013): the clones (not the central server) whose last writing
 * transaction was not visible in the caller's previous snapshot, each with its current state, and
 * the snapshot of this read. One statement, so that the changes and the snapshot agree.
 */
@ApplicationScoped
public class CloneChangesQuery {

    /** A changed clone: {@code exists} false once deleted; {@code credentialHash} null without a live credential. */
    public record Changed(UUID serverId, boolean exists, String name, boolean disabled, String credentialHash,
            List<String[]> tables) {
    }

    /** The changes and the snapshot they were read under. */
    public record Changes(List<Changed> clones, String snapshot) {
    }

    private static final String QUERY = """
            WITH snap AS MATERIALIZED (SELECT pg_current_snapshot() AS s),
                 changed AS (
                     SELECT ch.server_id, ch.changed_by, sv.id IS NOT NULL AS present, sv.name, sv.status,
                            (SELECT c.token_hash FROM registry.clone_credentials c
                             WHERE c.server_id = ch.server_id AND c.revoked_at IS NULL
                             ORDER BY c.issued_at DESC LIMIT 1) AS credential_hash,
                            ARRAY(SELECT t.schema_name FROM registry.server_tables t WHERE t.server_id = ch.server_id
                                  ORDER BY t.schema_name, t.table_name) AS schemas,
                            ARRAY(SELECT t.table_name FROM registry.server_tables t WHERE t.server_id = ch.server_id
                                  ORDER BY t.schema_name, t.table_name) AS names
                     FROM registry.clone_changes ch LEFT JOIN registry.servers sv ON sv.id = ch.server_id
                     WHERE sv.kind IS DISTINCT FROM 'central')
            SELECT snap.s::text, c.server_id, c.present, c.name, c.status, c.credential_hash, c.schemas, c.names
            FROM snap LEFT JOIN changed c
              ON $1 = '' OR NOT pg_visible_in_snapshot(c.changed_by, $1::pg_snapshot)
            ORDER BY c.server_id""";

    private final Pool pool;

    public CloneChangesQuery(Pool pool) {
        this.pool = pool;
    }

    /** The clones changed since {@code afterSnapshot} (empty: every clone). */
    public Uni<Changes> since(String afterSnapshot) {
        return pool.preparedQuery(QUERY).execute(Tuple.of(afterSnapshot == null ? "" : afterSnapshot)).map(rows -> {
            String snapshot = null;
            List<Changed> clones = new ArrayList<>();
            for (Row r : rows) {
                snapshot = r.getString(0);
                if (r.getUUID(1) == null) {
                    continue;
                }
                List<String[]> tables = new ArrayList<>();
                String[] schemas = r.getArrayOfStrings(6);
                String[] names = r.getArrayOfStrings(7);
                for (int i = 0; i < schemas.length; i++) {
                    tables.add(new String[] {schemas[i], names[i]});
                }
                clones.add(new Changed(r.getUUID(1), r.getBoolean(2), r.getString(3), "disabled".equals(r.getString(4)),
                        r.getString(5), tables));
            }
            return new Changes(clones, snapshot);
        });
    }
}
