package io.lizsync.registry.model;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A document describing a project or one of its layers. */
@Entity
@Table(schema = "registry", name = "project_documents")
public class ProjectDocument {

    public static final String KIND_FILE = "file";
    public static final String KIND_URL = "url";

    @Id
    public UUID id;

    @Column(name = "project_id", nullable = false)
    public UUID projectId;

    /** Schema of the layer described; null for a project-wide document. */
    @Column(name = "layer_schema")
    public String layerSchema;

    /** Table of the layer described; null for a project-wide document. */
    @Column(name = "layer_table")
    public String layerTable;

    @Column(nullable = false)
    public String title;

    @Column(nullable = false)
    public String kind;

    @Column(nullable = false)
    public String location;

    @Column(name = "media_type", nullable = false)
    public String mediaType = "";

    @Column(name = "size_bytes", nullable = false)
    public long sizeBytes;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
