package io.lizsync.gateway.rest.devices;

import com.fasterxml.jackson.annotation.JsonRawValue;
import io.lizsync.gateway.rest.Protos;
import io.lizsync.proto.registry.v1.ProjectLayer;
import io.lizsync.proto.sync.v1.EditResult;
import io.lizsync.proto.sync.v1.Layer;
import io.lizsync.proto.sync.v1.LayerColumn;
import io.lizsync.proto.sync.v1.UploadResponse;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The documents of the device flow's answers. */
public final class LayerViews {

    private LayerViews() {
    }

    public record ColumnView(String name, String type, boolean nullable, boolean serverFilled) {
        static ColumnView of(LayerColumn c) {
            return new ColumnView(c.getName(), c.getType(), c.getNullable(), c.getServerFilled());
        }
    }

    /** A layer as a device sees it: the project's title and rights with central's structure. */
    public record LayerView(String projectId, String schema, String table, String title, String description, boolean editable,
            List<ColumnView> columns, String uidColumn, List<String> primaryKey, String geometryColumn, String geometryType,
            int srid, String structureVersion) {
        static LayerView of(String projectId, ProjectLayer p, Layer l) {
            return new LayerView(projectId, l.getSchemaName(), l.getTableName(),
                    p.getTitle().isEmpty() ? l.getTableName() : p.getTitle(), Protos.text(p.getDescription()), p.getEditable(),
                    l.getColumnsList().stream().map(ColumnView::of).toList(), l.getUidColumn(), l.getPrimaryKeyList(),
                    Protos.text(l.getGeometryColumn()), Protos.text(l.getGeometryType()), l.getSrid(), l.getStructureVersion());
        }
    }

    /** What became of one edit of an upload. */
    public record EditView(int index, String uid,
            @Schema(enumeration = {"applied", "conflict", "refused"}) String outcome,
            @JsonRawValue @Schema(type = SchemaType.OBJECT, description = "the row's primary key on central") String serverId,
            String version,
            @JsonRawValue @Schema(type = SchemaType.OBJECT, description = "the row as central now holds it") String row,
            String rule, String winner, String message) {
        static EditView of(EditResult r) {
            return new EditView(r.getIndex(), r.getUid(), outcome(r.getOutcome()), Protos.text(r.getServerIdJson()),
                    Protos.text(r.getVersion()), Protos.text(r.getRowJson()), Protos.text(r.getRule()),
                    Protos.text(r.getWinner()), Protos.text(r.getMessage()));
        }

        private static String outcome(EditResult.Outcome o) {
            return switch (o) {
                case APPLIED -> "applied";
                case CONFLICT -> "conflict";
                case REFUSED -> "refused";
                default -> "unknown";
            };
        }
    }

    /** The answer of an upload: its import, one result per edit, and whether it repeats a first answer. */
    public record UploadView(String importId, boolean replayed, List<EditView> results) {
        static UploadView of(UploadResponse r) {
            return new UploadView(r.getImportId(), r.getReplayed(), r.getResultsList().stream().map(EditView::of).toList());
        }
    }

    /** The layer whose position a confirmed checkpoint moved. */
    public record Confirmed(String schema, String table) {
    }
}
