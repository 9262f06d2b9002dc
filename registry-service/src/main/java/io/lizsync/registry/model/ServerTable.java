package io.lizsync.registry.model;

import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** One table a server synchronises (recorded at deploy). */
@Entity
@Table(schema = "registry", name = "server_tables")
@IdClass(ServerTableId.class)
public class ServerTable {

    @Id
    @Column(name = "server_id")
    public UUID serverId;

    @Id
    @Column(name = "schema_name")
    public String schemaName;

    @Id
    @Column(name = "table_name")
    public String tableName;
}
