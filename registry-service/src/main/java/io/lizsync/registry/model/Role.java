package io.lizsync.registry.model;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A named role granted to users and required by projects. */
@Entity
@Table(schema = "registry", name = "roles")
public class Role {

    public static final String ADMINISTRATOR = io.lizsync.grpckit.auth.Roles.ADMINISTRATOR;

    @Id
    public String name;

    @Column(nullable = false)
    public String description = "";

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
