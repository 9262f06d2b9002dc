package io.lizsync.registry.model;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A server of the mesh: the central database, a clone, or an intermediate tier. */
@Entity
@Table(schema = "registry", name = "servers")
public class Server {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String name;

    @Convert(converter = ServerKindConverter.class)
    @Column(nullable = false)
    public ServerKind kind;

    @Column(name = "parent_id")
    public UUID parentId;

    @Convert(converter = ServerStatusConverter.class)
    @Column(nullable = false)
    public ServerStatus status;

    @Column(nullable = false)
    public String description = "";

    @Column(name = "tools_version")
    public String toolsVersion;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "last_contact_at")
    public Instant lastContactAt;

    @Column(name = "tables_updated_at")
    public Instant tablesUpdatedAt;
}
