package io.lizsync.registry.service;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.lizsync.registry.error.UnauthenticatedException;
import io.lizsync.registry.error.AlreadyExistsException;
import io.lizsync.registry.error.FailedPreconditionException;
import io.lizsync.registry.model.RegistrationTicket;
import io.lizsync.registry.model.RegistrationTicketTable;
import io.lizsync.registry.model.Server;
import io.lizsync.registry.model.ServerKind;
import io.lizsync.registry.repository.RegistrationTicketRepository;
import io.lizsync.registry.repository.RegistrationTicketTableRepository;
import io.lizsync.registry.repository.ServerRepository;
import io.lizsync.registry.service.ServerService.TableName;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * Issues registration tickets: every clone registration is the redemption of one
 * ({@link TicketRedemption}). The clear ticket exists only in the answer to {@link #issue}; the
 * table keeps its SHA-256.
 */
@ApplicationScoped
public class TicketService {

    private final RegistrationTicketRepository tickets;
    private final RegistrationTicketTableRepository ticketTables;
    private final ServerRepository servers;

    public TicketService(RegistrationTicketRepository tickets, RegistrationTicketTableRepository ticketTables,
            ServerRepository servers) {
        this.tickets = tickets;
        this.ticketTables = ticketTables;
        this.servers = servers;
    }

    /** What IssueRegistrationTicket asks for; ids may be null; {@code issuedBy} is the caller's login. */
    public record TicketRequest(String cloneName, UUID cloneId, List<TableName> tables, UUID packageId,
            UUID packageHistorySyncId, long validForSeconds, String issuedBy) {
    }

    /** A new ticket, its tables and its clear value, to be shown once. */
    public record IssuedTicket(RegistrationTicket ticket, List<TableName> tables, String secret) {
        @Override
        public String toString() {
            return "IssuedTicket[" + ticket.id + "]"; // never the secret
        }
    }

    /**
     * Issues a ticket for a caller holding {@code callerRoles}: a caller with role service only
     * (central's exchange running an assigned deploy, ADR 0015) may only re-register an existing
     * clone ({@link TicketRules#serviceMayIssue}); every other check applies to it as well.
     */
    @WithTransaction
    public Uni<IssuedTicket> issue(java.util.Set<String> callerRoles, TicketRequest r) {
        String refusal = TicketRules.serviceMayIssue(callerRoles, r.cloneId());
        if (refusal != null) {
            throw new io.lizsync.registry.error.PermissionDeniedException(refusal);
        }
        return issue(r);
    }

    @WithTransaction
    public Uni<IssuedTicket> issue(TicketRequest r) {
        String name = Validation.name(r.cloneName(), "clone name", ServerService.MAX_NAME);
        List<TableName> tables = TicketRules.tables(r.tables());
        Duration lifetime = TicketRules.lifetime(r.validForSeconds());
        String issuedBy = r.issuedBy() == null || r.issuedBy().isBlank() ? "unknown" : r.issuedBy();
        return checkClone(r.cloneId())
                .chain(() -> servers.findByName(name))
                .invoke(holder -> {
                    if (holder != null && !holder.id.equals(r.cloneId())) {
                        throw new AlreadyExistsException("a server named '" + name + "' already exists"
                                + (r.cloneId() == null ? "" : " (server " + holder.id + ", not " + r.cloneId() + ")"));
                    }
                })
                .chain(() -> {
                    String secret = Secrets.newSecret(Secrets.TICKET_PREFIX);
                    RegistrationTicket t = new RegistrationTicket();
                    t.id = UUID.randomUUID();
                    t.tokenHash = Secrets.sha256Hex(secret);
                    t.cloneName = name;
                    t.cloneId = r.cloneId();
                    t.packageId = r.packageId();
                    t.packageHistorySyncId = r.packageHistorySyncId();
                    t.issuedBy = Validation.abbreviate(issuedBy);
                    t.issuedAt = TimeSource.now();
                    t.expiresAt = t.issuedAt.plus(lifetime);
                    return tickets.persist(t)
                            .call(saved -> Persist.all(ticketTables, tables.stream()
                                    .map(tn -> new RegistrationTicketTable(saved.id, tn.schemaName(), tn.tableName()))
                                    .toList()))
                            .map(saved -> new IssuedTicket(saved, tables, secret));
                });
    }

    /**
     * A ticket still valid (unknown, used or expired: {@link TicketRedemption#INVALID}), with its
     * tables; nothing is spent. The answer carries no secret ({@code secret} empty).
     */
    @WithSession
    public Uni<IssuedTicket> check(String ticket) {
        if (ticket == null || ticket.isEmpty()) {
            throw new UnauthenticatedException(TicketRedemption.INVALID);
        }
        java.time.Instant now = TimeSource.now();
        return tickets.findByHash(Secrets.sha256Hex(ticket)).chain(t -> {
            if (t == null || !t.isRedeemable(now)) {
                throw new UnauthenticatedException(TicketRedemption.INVALID);
            }
            return ticketTables.listByTicket(t.id).map(rows -> new IssuedTicket(t, rows.stream()
                    .map(row -> new TableName(row.schemaName, row.tableName)).toList(), ""));
        });
    }

    /** A re-registration ticket names a clone or tier that exists. */
    private Uni<Void> checkClone(UUID cloneId) {
        if (cloneId == null) {
            return Uni.createFrom().voidItem();
        }
        return servers.findById(cloneId).invoke(s -> {
            Server found = ServerService.found(s, cloneId);
            if (found.kind == ServerKind.CENTRAL) {
                throw new FailedPreconditionException("server '" + found.name
                        + "' is the central server; only clones and tiers are registered by ticket");
            }
        }).replaceWithVoid();
    }
}
