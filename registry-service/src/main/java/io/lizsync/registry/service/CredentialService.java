package io.lizsync.registry.service;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.lizsync.registry.error.InvalidArgumentException;
import io.lizsync.registry.error.NotFoundException;
import io.lizsync.registry.error.PermissionDeniedException;
import io.lizsync.registry.error.UnauthenticatedException;
import io.lizsync.registry.model.CloneCredential;
import io.lizsync.registry.model.Server;
import io.lizsync.registry.model.ServerStatus;
import io.lizsync.registry.model.ServerTable;
import io.lizsync.registry.repository.CloneCredentialRepository;
import io.lizsync.registry.repository.ServerRepository;
import io.lizsync.registry.repository.CloneChangesQuery;
import io.lizsync.registry.repository.CloneCredentialCheck;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * Credentials clones present to the exchange. A clone gets one when its registration ticket is
 * redeemed ({@link TicketRedemption}); the clear secret exists only in that answer, the table keeps
 * its SHA-256.
 */
@ApplicationScoped
public class CredentialService {

    /** A failed verification says no more than this, whatever the reason. */
    static final String INVALID = "invalid clone credential";
    /** last_used_at is refreshed at most this often, so verifying is not a write per call. */
    private static final Duration USE_RECORD_INTERVAL = Duration.ofMinutes(1);

    private final ServerRepository servers;
    private final CloneCredentialRepository credentials;
    private final CloneCredentialCheck check;
    private final CloneChangesQuery changes;

    public CredentialService(ServerRepository servers, CloneCredentialRepository credentials,
            CloneCredentialCheck check, CloneChangesQuery changes) {
        this.servers = servers;
        this.credentials = credentials;
        this.check = check;
        this.changes = changes;
    }

    /**
     * The clones changed since {@code afterSnapshot} (empty: every clone), for central's read model
     * (ADR 0013): one statement, no ORM session.
     */
    public Uni<CloneChangesQuery.Changes> changes(String afterSnapshot) {
        String after = afterSnapshot == null ? "" : afterSnapshot.strip();
        if (!after.isEmpty() && !after.matches("[0-9]{1,20}:[0-9]{1,20}:[0-9,]{0,100000}")) {
            throw new InvalidArgumentException("after_snapshot: not a snapshot of an earlier answer");
        }
        return changes.since(after);
    }

    /** A new credential and its clear secret, to be shown once. */
    public record Issued(CloneCredential credential, String secret) {
        @Override
        public String toString() {
            return "Issued[" + credential.id + "]"; // never the secret
        }
    }

    /** A successful verification: the clone, the matching credential, the clone's tables in order. */
    public record Verified(Server server, CloneCredential credential, List<ServerTable> tables) {
    }

    /**
     * Within the caller's transaction (a ticket's redemption): revokes every earlier credential of
     * the server and issues a new one.
     */
    Uni<Issued> replace(UUID serverId, Instant now) {
        return credentials.revokeAll(serverId, now).chain(() -> {
            String secret = Secrets.newSecret(Secrets.CLONE_PREFIX);
            CloneCredential c = new CloneCredential();
            c.id = UUID.randomUUID();
            c.serverId = serverId;
            c.tokenHash = Secrets.sha256Hex(secret);
            c.issuedAt = now;
            return credentials.persist(c).map(saved -> new Issued(saved, secret));
        });
    }

    /**
     * Checks a clone's secret (central asks at every hello): one query, no ORM session
     * ({@link CloneCredentialCheck}); the use is recorded at most once a minute.
     */
    public Uni<Verified> verify(UUID serverId, String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new UnauthenticatedException(INVALID);
        }
        Instant now = TimeSource.now();
        return check.find(Secrets.sha256Hex(secret), serverId).chain(found -> {
            if (found == null) {
                throw new UnauthenticatedException(INVALID);
            }
            if (found.server().status == ServerStatus.DISABLED) {
                throw new PermissionDeniedException("server '" + found.server().name + "' is disabled");
            }
            Verified verified = new Verified(found.server(), found.credential(), found.tables());
            CloneCredential c = found.credential();
            if (c.lastUsedAt == null || c.lastUsedAt.plus(USE_RECORD_INTERVAL).isBefore(now)) {
                return check.used(c.id, now).replaceWith(verified);
            }
            return Uni.createFrom().item(verified);
        });
    }

    /** Revokes one credential, or every valid one when {@code credentialId} is null; returns how many. */
    @WithTransaction
    public Uni<Integer> revoke(UUID serverId, UUID credentialId) {
        Instant now = TimeSource.now();
        return servers.findById(serverId)
                .map(s -> ServerService.found(s, serverId))
                .chain(s -> {
                    if (credentialId == null) {
                        return credentials.revokeAll(serverId, now);
                    }
                    return credentials.findById(credentialId).map(c -> {
                        if (c == null || !c.serverId.equals(serverId)) {
                            throw new NotFoundException(
                                    "credential " + credentialId + " of server " + serverId + " not found");
                        }
                        if (c.revokedAt != null) {
                            return 0;
                        }
                        c.revokedAt = now;
                        return 1;
                    });
                });
    }

    @WithSession
    public Uni<List<CloneCredential>> list(UUID serverId, boolean includeRevoked) {
        return servers.findById(serverId)
                .map(s -> ServerService.found(s, serverId))
                .chain(s -> credentials.listByServer(serverId, includeRevoked));
    }
}
