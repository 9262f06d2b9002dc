package io.lizsync.gateway.rest.devices;

import io.lizsync.gateway.rest.Ids;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.PathParam;

/** The path of a project's layer: {@code /projects/{project}/layers/{schema}/{table}}. */
public class LayerPath {

    @PathParam("project")
    @Pattern(regexp = Ids.UUID, message = Ids.UUID_MESSAGE)
    public String project;

    @PathParam("schema")
    @Pattern(regexp = Ids.PG_NAME, message = Ids.PG_NAME_MESSAGE)
    public String schema;

    @PathParam("table")
    @Pattern(regexp = Ids.PG_NAME, message = Ids.PG_NAME_MESSAGE)
    public String table;
}
