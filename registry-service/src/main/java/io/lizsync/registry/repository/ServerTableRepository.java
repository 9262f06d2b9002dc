package io.lizsync.registry.repository;

import java.util.Comparator;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.lizsync.registry.model.ServerTable;
import io.lizsync.registry.model.ServerTableId;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/** Queries of {@code registry.server_tables}. */
@ApplicationScoped
public class ServerTableRepository implements PanacheRepositoryBase<ServerTable, ServerTableId> {

    /** Tables of a server by schema then table name, in code-point order whatever the database collation. */
    public Uni<List<ServerTable>> listByServer(UUID serverId) {
        return list("serverId", serverId).map(rows -> rows.stream()
                .sorted(Comparator.<ServerTable, String>comparing(t -> t.schemaName).thenComparing(t -> t.tableName))
                .toList());
    }

    public Uni<Long> deleteByServer(UUID serverId) {
        return delete("serverId", serverId);
    }
}
