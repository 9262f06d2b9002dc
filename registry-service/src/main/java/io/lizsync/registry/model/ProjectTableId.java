package io.lizsync.registry.model;

import java.io.Serializable;
import java.util.Objects;
import java.util.UUID;

/** Key of {@link ProjectTable}. */
public class ProjectTableId implements Serializable {

    public UUID projectId;
    public String schemaName;
    public String tableName;

    public ProjectTableId() {
    }

    public ProjectTableId(UUID projectId, String schemaName, String tableName) {
        this.projectId = projectId;
        this.schemaName = schemaName;
        this.tableName = tableName;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProjectTableId other
                && Objects.equals(projectId, other.projectId)
                && Objects.equals(schemaName, other.schemaName)
                && Objects.equals(tableName, other.tableName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(projectId, schemaName, tableName);
    }
}
