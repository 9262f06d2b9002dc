package io.lizsync.registry.service;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.lizsync.registry.error.AlreadyExistsException;
import io.lizsync.registry.error.FailedPreconditionException;
import io.lizsync.registry.error.InvalidArgumentException;
import io.lizsync.registry.error.PermissionDeniedException;
import io.lizsync.registry.error.UnauthenticatedException;
import io.lizsync.registry.model.RegistrationTicket;
import io.lizsync.registry.model.Server;
import io.lizsync.registry.model.ServerKind;
import io.lizsync.registry.model.ServerStatus;
import io.lizsync.registry.model.ServerTable;
import io.lizsync.registry.repository.RegistrationTicketRepository;
import io.lizsync.registry.repository.RegistrationTicketTableRepository;
import io.lizsync.registry.repository.ServerRepository;
import io.lizsync.registry.service.ServerService.TableName;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * Redeems a registration ticket for the exchange of a central (or tier), in one transaction: the
 * ticket's row is locked ({@code FOR UPDATE}), so of two redemptions of one ticket exactly one
 * wins; any refusal rolls everything back and leaves the ticket valid.
 */
@ApplicationScoped
public class TicketRedemption {

    /** An unknown, used or expired ticket: the answer does not say which. */
    static final String INVALID = "unknown, used or expired registration ticket";
    /** Name of a central registered by its first redemption when the caller gives none. */
    static final String DEFAULT_CENTRAL_NAME = "central";
    /** Deepest chain of tiers walked when looking for a cycle. */
    private static final int MAX_DEPTH = 64;

    private static final Logger LOG = Logger.getLogger(TicketRedemption.class);

    private final RegistrationTicketRepository tickets;
    private final RegistrationTicketTableRepository ticketTables;
    private final ServerRepository servers;
    private final ServerService serverService;
    private final CredentialService credentials;

    public TicketRedemption(RegistrationTicketRepository tickets, RegistrationTicketTableRepository ticketTables,
            ServerRepository servers, ServerService serverService, CredentialService credentials) {
        this.tickets = tickets;
        this.ticketTables = ticketTables;
        this.servers = servers;
        this.serverService = serverService;
        this.credentials = credentials;
    }

    /** What RedeemRegistrationTicket asks for; {@code packageId} null for an attach. */
    public record Redemption(String ticket, UUID cloneId, UUID packageId, List<TableName> tables, UUID parentId,
            String parentName) {
        @Override
        public String toString() {
            return "Redemption[clone " + cloneId + ", parent " + parentId + "]"; // never the ticket
        }
    }

    /** The registered clone, its tables, its new credential (clear secret shown once) and the ticket's history item. */
    public record Redeemed(Server server, List<ServerTable> tables, CredentialService.Issued credential,
            UUID packageHistorySyncId) {
        @Override
        public String toString() {
            return "Redeemed[" + server.id + ", " + credential + "]"; // never the secret
        }
    }

    @WithTransaction
    public Uni<Redeemed> redeem(Redemption r) {
        if (r.ticket() == null || r.ticket().isEmpty()) {
            throw new UnauthenticatedException(INVALID);
        }
        if (r.parentId().equals(r.cloneId())) {
            throw new InvalidArgumentException("a clone cannot be its own parent (" + r.cloneId() + ")");
        }
        String parentName = r.parentName() == null || r.parentName().isBlank() ? DEFAULT_CENTRAL_NAME
                : Validation.name(r.parentName(), "parent name", ServerService.MAX_NAME);
        Instant now = TimeSource.now();
        return tickets.findByHashForUpdate(Secrets.sha256Hex(r.ticket()))
                .invoke(t -> {
                    if (t == null || !t.isRedeemable(now)) {
                        throw new UnauthenticatedException(INVALID);
                    }
                })
                .chain(t -> ticketTables.listByTicket(t.id).chain(rows -> {
                    List<TableName> tables = rows.stream().map(row -> new TableName(row.schemaName, row.tableName)).toList();
                    checkClaims(t, tables, r);
                    return existingClone(t, r.cloneId())
                            .chain(existing -> parent(r.parentId(), parentName, now)
                                    .call(parent -> existing == null ? Uni.createFrom().voidItem()
                                            : notBelow(r.cloneId(), parent, 0))
                                    .chain(parent -> upsertClone(t, existing, r.cloneId(), parent, now)))
                            .call(() -> servers.flush())
                            .chain(clone -> credentials.replace(clone.id, now)
                                    .chain(issued -> serverService.replaceTables(clone, tables, now)
                                            .map(registered -> new Redeemed(clone, registered, issued,
                                                    t.packageHistorySyncId))))
                            .invoke(redeemed -> {
                                t.redeemedAt = now;
                                t.redeemedServerId = redeemed.server().id;
                                LOG.infof("registration ticket %s redeemed: clone '%s' (%s), credential %s", t.id,
                                        redeemed.server().name, redeemed.server().id, redeemed.credential().credential().id);
                            });
                }));
    }

    /** The clone must claim the ticket's package and tables, and the id the ticket names (if any). */
    private static void checkClaims(RegistrationTicket t, List<TableName> ticketTables, Redemption r) {
        String mismatch = TicketRules.packageMismatch(t.packageId, r.packageId());
        if (mismatch == null) {
            mismatch = TicketRules.tablesMismatch(ticketTables, r.tables());
        }
        if (mismatch != null) {
            throw new FailedPreconditionException(mismatch + "; the ticket stays valid");
        }
        if (t.cloneId != null && !t.cloneId.equals(r.cloneId())) {
            throw new PermissionDeniedException("this registration ticket is for server " + t.cloneId + ", not "
                    + r.cloneId());
        }
    }

    /** The server the clone id names: none for a new clone's ticket; the named one (or none if deleted since) otherwise. */
    private Uni<Server> existingClone(RegistrationTicket t, UUID cloneId) {
        return servers.findById(cloneId).chain(existing -> {
            if (existing != null && t.cloneId == null) {
                throw new AlreadyExistsException("server " + cloneId + " already exists: a ticket for a new clone "
                        + "cannot register an existing server (issue one naming it)");
            }
            if (existing != null && existing.kind == ServerKind.CENTRAL) {
                throw new FailedPreconditionException("server '" + existing.name + "' is the central server");
            }
            return servers.findByName(t.cloneName).map(holder -> {
                if (holder != null && !holder.id.equals(cloneId)) {
                    throw new AlreadyExistsException("a server named '" + t.cloneName + "' already exists");
                }
                return existing;
            });
        });
    }

    /**
     * The server whose exchange redeems: registered here as the central server when the registry
     * knows none yet; a clone that relays for another becomes a tier.
     */
    private Uni<Server> parent(UUID parentId, String parentName, Instant now) {
        return servers.findById(parentId).chain(parent -> {
            if (parent != null) {
                if (parent.kind == ServerKind.CLONE) {
                    parent.kind = ServerKind.TIER;
                }
                return Uni.createFrom().item(parent);
            }
            return servers.centralExists().chain(centralExists -> {
                if (centralExists) {
                    throw new FailedPreconditionException("parent server " + parentId
                            + " is not registered (the registry's central server is another one)");
                }
                return servers.findByName(parentName).chain(holder -> {
                    if (holder != null) {
                        throw new AlreadyExistsException("a server named '" + parentName + "' already exists; "
                                + "the central server cannot be registered under that name");
                    }
                    Server central = new Server();
                    central.id = parentId;
                    central.name = parentName;
                    central.kind = ServerKind.CENTRAL;
                    central.status = ServerStatus.ACTIVE;
                    central.createdAt = now;
                    LOG.infof("registered the central server '%s' (%s) at its first ticket redemption", parentName,
                            parentId);
                    return servers.persist(central);
                });
            });
        });
    }

    /** A re-registered clone cannot hang below itself: walks up from its new parent. */
    private Uni<Void> notBelow(UUID cloneId, Server from, int depth) {
        if (from == null || from.parentId == null || depth > MAX_DEPTH) {
            return Uni.createFrom().voidItem();
        }
        if (from.parentId.equals(cloneId)) {
            throw new FailedPreconditionException("server " + cloneId + " cannot be registered below server "
                    + from.id + ", which is below it");
        }
        return servers.findById(from.parentId).chain(p -> notBelow(cloneId, p, depth + 1));
    }

    private Uni<Server> upsertClone(RegistrationTicket t, Server existing, UUID cloneId, Server parent, Instant now) {
        if (existing != null) {
            existing.name = t.cloneName;
            existing.parentId = parent.id;
            existing.status = ServerStatus.ACTIVE;
            existing.lastContactAt = now;
            return Uni.createFrom().item(existing);
        }
        Server clone = new Server();
        clone.id = cloneId;
        clone.name = t.cloneName;
        clone.kind = ServerKind.CLONE;
        clone.parentId = parent.id;
        clone.status = ServerStatus.ACTIVE;
        clone.createdAt = now;
        clone.lastContactAt = now;
        return servers.persist(clone);
    }
}
