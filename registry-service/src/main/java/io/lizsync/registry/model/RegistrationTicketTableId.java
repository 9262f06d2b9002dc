package io.lizsync.registry.model;

import java.io.Serializable;
import java.util.Objects;
import java.util.UUID;

/** Key of {@link RegistrationTicketTable}. */
public class RegistrationTicketTableId implements Serializable {

    public UUID ticketId;
    public String schemaName;
    public String tableName;

    public RegistrationTicketTableId() {
    }

    public RegistrationTicketTableId(UUID ticketId, String schemaName, String tableName) {
        this.ticketId = ticketId;
        this.schemaName = schemaName;
        this.tableName = tableName;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RegistrationTicketTableId other
                && Objects.equals(ticketId, other.ticketId)
                && Objects.equals(schemaName, other.schemaName)
                && Objects.equals(tableName, other.tableName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ticketId, schemaName, tableName);
    }
}
