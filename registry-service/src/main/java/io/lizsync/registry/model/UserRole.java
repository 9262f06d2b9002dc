package io.lizsync.registry.model;

import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** A role granted to a user. */
@Entity
@Table(schema = "registry", name = "user_roles")
@IdClass(UserRoleId.class)
public class UserRole {

    @Id
    @Column(name = "user_id")
    public UUID userId;

    @Id
    @Column(name = "role_name")
    public String roleName;

    public UserRole() {
    }

    public UserRole(UUID userId, String roleName) {
        this.userId = userId;
        this.roleName = roleName;
    }
}
