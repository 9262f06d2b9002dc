package io.lizsync.registry.model;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A mobile device, identified by the UUID it chose itself (seed 003). */
@Entity
@Table(schema = "registry", name = "devices")
public class Device {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String name = "";

    @Column(name = "user_id")
    public UUID userId;

    @Column(name = "registered_at", nullable = false)
    public Instant registeredAt;

    @Column(name = "last_seen_at", nullable = false)
    public Instant lastSeenAt;

    /** When an administrator blocked it; null when not blocked. */
    @Column(name = "blocked_at")
    public Instant blockedAt;
}
