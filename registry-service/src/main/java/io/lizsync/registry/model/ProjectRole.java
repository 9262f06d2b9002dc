package io.lizsync.registry.model;

import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** A role whose users may see a project (a project with none is visible to everyone). */
@Entity
@Table(schema = "registry", name = "project_roles")
@IdClass(ProjectRoleId.class)
public class ProjectRole {

    @Id
    @Column(name = "project_id")
    public UUID projectId;

    @Id
    @Column(name = "role_name")
    public String roleName;

    public ProjectRole() {
    }

    public ProjectRole(UUID projectId, String roleName) {
        this.projectId = projectId;
        this.roleName = roleName;
    }
}
