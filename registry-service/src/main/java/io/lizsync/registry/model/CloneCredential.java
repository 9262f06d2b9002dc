package io.lizsync.registry.model;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A secret a clone presents to the exchange; only its SHA-256 is kept. */
@Entity
@Table(schema = "registry", name = "clone_credentials")
public class CloneCredential {

    @Id
    public UUID id;

    @Column(name = "server_id", nullable = false)
    public UUID serverId;

    /** Hex SHA-256 of the clear secret. */
    @Column(name = "token_hash", nullable = false)
    public String tokenHash;

    @Column(name = "issued_at", nullable = false)
    public Instant issuedAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    @Column(name = "last_used_at")
    public Instant lastUsedAt;
}
