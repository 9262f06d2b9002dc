package io.lizsync.registry.model;

import java.io.Serializable;
import java.util.Objects;
import java.util.UUID;

/** Key of {@link ProjectRole}. */
public class ProjectRoleId implements Serializable {

    public UUID projectId;
    public String roleName;

    public ProjectRoleId() {
    }

    public ProjectRoleId(UUID projectId, String roleName) {
        this.projectId = projectId;
        this.roleName = roleName;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProjectRoleId other && Objects.equals(projectId, other.projectId)
                && Objects.equals(roleName, other.roleName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(projectId, roleName);
    }
}
