package io.lizsync.registry.model;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A person (or script) that logs in; the password is kept as a PBKDF2 hash only. */
@Entity
@Table(schema = "registry", name = "users")
public class User {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String login;

    @Column(name = "display_name", nullable = false)
    public String displayName = "";

    @Column(nullable = false)
    public String email = "";

    /** {@code pbkdf2_sha256$<iterations>$<salt>$<hash>}; never logged, never sent. */
    @Column(name = "password_hash", nullable = false)
    public String passwordHash;

    @Column(nullable = false)
    public boolean disabled;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Override
    public String toString() {
        // Keeps the password hash out of any log line that prints a user.
        return "User[" + id + ", " + login + "]";
    }
}
