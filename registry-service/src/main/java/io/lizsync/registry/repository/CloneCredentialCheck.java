package io.lizsync.registry.repository;

import io.lizsync.registry.model.CloneCredential;
import io.lizsync.registry.model.Server;
import io.lizsync.registry.model.ServerKind;
import io.lizsync.registry.model.ServerStatus;
import io.lizsync.registry.model.ServerTable;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The one query behind VerifyCloneCredential, which central asks at every clone's hello (ADR
 * 0013): the live credential with this hash for this server, the server and its tables, in one
 * round trip on the reactive pool, without an ORM session or a transaction (a hello waits on it).
 */
@ApplicationScoped
public class CloneCredentialCheck {

    /** What the query found: the credential, its server and the server's tables in order. */
    public record Found(CloneCredential credential, Server server, List<ServerTable> tables) {
    }

    private static final String QUERY = """
            SELECT c.id, c.last_used_at, c.issued_at, s.name, s.kind, s.parent_id, s.status, s.description,
                   s.tools_version, s.created_at, s.last_contact_at,
                   ARRAY(SELECT t.schema_name FROM registry.server_tables t WHERE t.server_id = s.id
                         ORDER BY t.schema_name, t.table_name),
                   ARRAY(SELECT t.table_name FROM registry.server_tables t WHERE t.server_id = s.id
                         ORDER BY t.schema_name, t.table_name)
            FROM registry.clone_credentials c JOIN registry.servers s ON s.id = c.server_id
            WHERE c.token_hash = $1 AND c.server_id = $2 AND c.revoked_at IS NULL""";

    private final Pool pool;

    public CloneCredentialCheck(Pool pool) {
        this.pool = pool;
    }

    /** The live credential of {@code serverId} whose secret hashes to {@code tokenHash}, or null. */
    public Uni<Found> find(String tokenHash, UUID serverId) {
        return pool.preparedQuery(QUERY).execute(Tuple.of(tokenHash, serverId)).map(rows -> {
            if (rows.size() == 0) {
                return null;
            }
            Row r = rows.iterator().next();
            CloneCredential c = new CloneCredential();
            c.id = r.getUUID(0);
            c.serverId = serverId;
            c.tokenHash = tokenHash;
            c.lastUsedAt = instant(r.getOffsetDateTime(1));
            c.issuedAt = instant(r.getOffsetDateTime(2));
            Server s = new Server();
            s.id = serverId;
            s.name = r.getString(3);
            s.kind = ServerKind.fromDb(r.getString(4));
            s.parentId = r.getUUID(5);
            s.status = ServerStatus.fromDb(r.getString(6));
            s.description = r.getString(7);
            s.toolsVersion = r.getString(8);
            s.createdAt = instant(r.getOffsetDateTime(9));
            s.lastContactAt = instant(r.getOffsetDateTime(10));
            String[] schemas = r.getArrayOfStrings(11);
            String[] names = r.getArrayOfStrings(12);
            List<ServerTable> tables = new ArrayList<>();
            for (int i = 0; i < schemas.length; i++) {
                ServerTable t = new ServerTable();
                t.serverId = serverId;
                t.schemaName = schemas[i];
                t.tableName = names[i];
                tables.add(t);
            }
            return new Found(c, s, tables);
        });
    }

    /** Records the credential's use (the caller does it at most once a minute). */
    public Uni<Void> used(UUID credentialId, Instant at) {
        return pool.preparedQuery("UPDATE registry.clone_credentials SET last_used_at = $2 WHERE id = $1")
                .execute(Tuple.of(credentialId, OffsetDateTime.ofInstant(at, java.time.ZoneOffset.UTC)))
                .replaceWithVoid();
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
