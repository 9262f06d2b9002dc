package io.lizsync.registry.model;

import java.io.Serializable;
import java.util.Objects;
import java.util.UUID;

/** Key of {@link ServerTable}. */
public class ServerTableId implements Serializable {

    public UUID serverId;
    public String schemaName;
    public String tableName;

    public ServerTableId() {
    }

    public ServerTableId(UUID serverId, String schemaName, String tableName) {
        this.serverId = serverId;
        this.schemaName = schemaName;
        this.tableName = tableName;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ServerTableId other
                && Objects.equals(serverId, other.serverId)
                && Objects.equals(schemaName, other.schemaName)
                && Objects.equals(tableName, other.tableName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(serverId, schemaName, tableName);
    }
}
