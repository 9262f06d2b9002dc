package io.lizsync.registry.model;

import java.io.Serializable;
import java.util.Objects;
import java.util.UUID;

/** Key of {@link UserRole}. */
public class UserRoleId implements Serializable {

    public UUID userId;
    public String roleName;

    public UserRoleId() {
    }

    public UserRoleId(UUID userId, String roleName) {
        this.userId = userId;
        this.roleName = roleName;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UserRoleId other && Objects.equals(userId, other.userId)
                && Objects.equals(roleName, other.roleName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(userId, roleName);
    }
}
