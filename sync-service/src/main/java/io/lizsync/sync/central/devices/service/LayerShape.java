package io.lizsync.sync.central.devices.service;

import io.lizsync.sync.engine.TableRef;
import java.util.List;

/**
 * A synchronised table as devices see it: its columns, keys, geometry and structure version.
 *
 * @param geometryColumn null when the table has no geometry column
 * @param geometryType   upper case (POINT, MULTIPOLYGON, GEOMETRY when not constrained)
 * @param srid           0 when not constrained
 */
public record LayerShape(TableRef table, List<Column> columns, String uidColumn, List<String> primaryKey,
        String geometryColumn, String geometryType, int srid, String structureVersion) {

    /**
     * One column.
     *
     * @param serverFilled central fills it (a primary key or identity with a default, a generated
     *                     column): a device never sends it
     * @param hasDefault   the column has a default (a create may leave it out even when NOT NULL)
     */
    public record Column(String name, String type, boolean nullable, boolean serverFilled, boolean hasDefault) {
    }

    public Column column(String name) {
        for (Column c : columns) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }

    public boolean isGeometry(String name) {
        return name.equals(geometryColumn);
    }

    /** The ordered "name type" descriptions the structure version hashes (the packages' rule). */
    public static List<String> descriptions(List<Column> columns) {
        return columns.stream().map(c -> c.name() + " " + c.type()).toList();
    }
}
