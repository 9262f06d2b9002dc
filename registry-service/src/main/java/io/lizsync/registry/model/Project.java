package io.lizsync.registry.model;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A named set of synchronised tables (layers) and their documents. */
@Entity
@Table(schema = "registry", name = "projects")
public class Project {

    @Id
    public UUID id;

    /** Unique short key used in URLs; column {@code key} ("key" is an HQL keyword, hence the field name). */
    @Column(name = "key", nullable = false)
    public String projectKey;

    @Column(nullable = false)
    public String title = "";

    @Column(nullable = false)
    public String description = "";

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
