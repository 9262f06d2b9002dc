package io.lizsync.gateway.rest.devices;

import io.lizsync.proto.registry.v1.ProjectLayer;
import java.util.List;
import java.util.Optional;

/**
 * Whether a caller may reach a layer of a project, decided from what registry-service answered:
 * the projects the caller may see and the project's layers. Pure; the answers' statuses are the
 * REST ones (403 for a project not granted, 404 for a table that is not one of its layers).
 */
public final class LayerGrant {

    /** A refusal with its HTTP status and the sentence of the problem document. */
    public record Refusal(int status, String detail) {
        /** The refusal as the exception the problem mapping answers (a problem document with this status). */
        public jakarta.ws.rs.WebApplicationException exception() {
            return new jakarta.ws.rs.WebApplicationException(detail, status);
        }
    }

    private LayerGrant() {
    }

    /**
     * The refusal of {@code schema.table} of project {@code projectId}, or empty when granted.
     *
     * @param visibleProjects the ids of the projects the caller may see
     * @param layers the project's layers (registry's ListProjectLayers)
     */
    public static Optional<Refusal> check(List<String> visibleProjects, String projectId, List<ProjectLayer> layers,
            String schema, String table) {
        if (!visibleProjects.contains(projectId)) {
            return Optional.of(new Refusal(403, "project " + projectId + " is not granted to you"));
        }
        if (find(layers, schema, table).isEmpty()) {
            return Optional.of(new Refusal(404, "layer " + schema + "." + table + " is not one of project " + projectId
                    + "'s layers"));
        }
        return Optional.empty();
    }

    /** The layer of {@code schema.table} among a project's layers. */
    public static Optional<ProjectLayer> find(List<ProjectLayer> layers, String schema, String table) {
        return layers.stream().filter(l -> l.getTable().getSchemaName().equals(schema)
                && l.getTable().getTableName().equals(table)).findFirst();
    }

    /** Why a device may not upload into a layer, or empty when it may. */
    public static Optional<Refusal> editable(ProjectLayer layer) {
        return layer.getEditable() ? Optional.empty()
                : Optional.of(new Refusal(403, "layer " + layer.getTable().getSchemaName() + "."
                        + layer.getTable().getTableName() + " is read-only for devices"));
    }
}
