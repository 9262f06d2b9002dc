package io.lizsync.registry.model;

import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** One table a registration ticket gives its clone. */
@Entity
@Table(schema = "registry", name = "registration_ticket_tables")
@IdClass(RegistrationTicketTableId.class)
public class RegistrationTicketTable {

    @Id
    @Column(name = "ticket_id")
    public UUID ticketId;

    @Id
    @Column(name = "schema_name")
    public String schemaName;

    @Id
    @Column(name = "table_name")
    public String tableName;

    public RegistrationTicketTable() {
    }

    public RegistrationTicketTable(UUID ticketId, String schemaName, String tableName) {
        this.ticketId = ticketId;
        this.schemaName = schemaName;
        this.tableName = tableName;
    }
}
