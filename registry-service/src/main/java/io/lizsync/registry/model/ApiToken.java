package io.lizsync.registry.model;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A long-lived token for scripts, acting as a user with a set of scopes; kept as a SHA-256 only. */
@Entity
@Table(schema = "registry", name = "api_tokens")
public class ApiToken {

    @Id
    public UUID id;

    @Column(name = "user_id", nullable = false)
    public UUID userId;

    @Column(nullable = false)
    public String name;

    /** Space-separated, sorted scopes. */
    @Column(nullable = false)
    public String scopes;

    @Column(name = "token_hash", nullable = false)
    public String tokenHash;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    @Column(name = "last_used_at")
    public Instant lastUsedAt;

    public List<String> scopeList() {
        return scopes == null || scopes.isBlank() ? List.of() : Arrays.asList(scopes.split(" "));
    }

    public boolean isActive(Instant now) {
        return revokedAt == null && (expiresAt == null || expiresAt.isAfter(now));
    }
}
