package io.lizsync.registry.repository;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.lizsync.registry.model.RegistrationTicket;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/** Queries of {@code registry.registration_tickets}. */
@ApplicationScoped
public class RegistrationTicketRepository implements PanacheRepositoryBase<RegistrationTicket, UUID> {

    /**
     * The ticket with this hash, its row locked until the transaction ends ({@code SELECT ... FOR
     * UPDATE}): of two redemptions of one ticket, the second waits and then reads it redeemed.
     */
    public Uni<RegistrationTicket> findByHashForUpdate(String tokenHash) {
        return find("tokenHash", tokenHash).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    /** The ticket with this hash, read without a lock (a check that spends nothing). */
    public Uni<RegistrationTicket> findByHash(String tokenHash) {
        return find("tokenHash", tokenHash).firstResult();
    }
}
