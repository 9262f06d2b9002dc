package io.lizsync.registry.model;

import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** One synchronised table of a project, shown as a layer. */
@Entity
@Table(schema = "registry", name = "project_tables")
@IdClass(ProjectTableId.class)
public class ProjectTable {

    @Id
    @Column(name = "project_id")
    public UUID projectId;

    @Id
    @Column(name = "schema_name")
    public String schemaName;

    @Id
    @Column(name = "table_name")
    public String tableName;

    @Column(nullable = false)
    public String title = "";

    @Column(nullable = false)
    public String description = "";

    @Column(name = "geometry_column", nullable = false)
    public String geometryColumn = "";

    /** Display order from 0; column {@code position} ("position" is an HQL function name). */
    @Column(name = "position", nullable = false)
    public int displayPosition;

    @Column(nullable = false)
    public boolean editable;
}
