package io.lizsync.registry.repository;

import java.util.Comparator;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.lizsync.registry.model.RegistrationTicketTable;
import io.lizsync.registry.model.RegistrationTicketTableId;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/** Queries of {@code registry.registration_ticket_tables}. */
@ApplicationScoped
public class RegistrationTicketTableRepository
        implements PanacheRepositoryBase<RegistrationTicketTable, RegistrationTicketTableId> {

    /** Tables of a ticket by schema then table name, in code-point order whatever the database collation. */
    public Uni<List<RegistrationTicketTable>> listByTicket(UUID ticketId) {
        return list("ticketId", ticketId).map(rows -> rows.stream()
                .sorted(Comparator.<RegistrationTicketTable, String>comparing(t -> t.schemaName)
                        .thenComparing(t -> t.tableName))
                .toList());
    }
}
