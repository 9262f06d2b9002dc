package io.lizsync.registry.model;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A single-use ticket that registers one clone (deploy or attach): it fixes the clone's name, its
 * tables ({@link RegistrationTicketTable}) and, for a deploy, the package. Only its SHA-256 is kept.
 */
@Entity
@Table(schema = "registry", name = "registration_tickets")
public class RegistrationTicket {

    @Id
    public UUID id;

    /** Hex SHA-256 of the clear ticket. */
    @Column(name = "token_hash", nullable = false)
    public String tokenHash;

    @Column(name = "clone_name", nullable = false)
    public String cloneName;

    /** The clone a re-registration names; null for a new clone. */
    @Column(name = "clone_id")
    public UUID cloneId;

    /** The package of a deploy; null for an attach. */
    @Column(name = "package_id")
    public UUID packageId;

    @Column(name = "package_history_sync_id")
    public UUID packageHistorySyncId;

    /** Login of whoever issued it. */
    @Column(name = "issued_by", nullable = false)
    public String issuedBy;

    @Column(name = "issued_at", nullable = false)
    public Instant issuedAt;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    @Column(name = "redeemed_at")
    public Instant redeemedAt;

    @Column(name = "redeemed_server_id")
    public UUID redeemedServerId;

    /** Neither used nor expired at {@code now}. */
    public boolean isRedeemable(Instant now) {
        return redeemedAt == null && expiresAt.isAfter(now);
    }

    @Override
    public String toString() {
        return "RegistrationTicket[" + id + ", " + cloneName + "]"; // never the hash
    }
}
