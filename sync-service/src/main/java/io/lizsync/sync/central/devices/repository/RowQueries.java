package io.lizsync.sync.central.devices.repository;

import io.lizsync.sql.Sql;
import io.lizsync.sync.central.devices.service.LayerShape;

/**
 * The SQL of a download page. Each statement yields (uid, version, row JSON) in uid order; a NULL
 * row JSON is a removal. The version is the md5 of the row's text form: it changes with the
 * row's content and needs nothing stored per row. The row JSON holds every column, the geometry
 * as a GeoJSON geometry.
 */
public final class RowQueries {

    private RowQueries() {
    }

    /** The row as JSON text ({@code t} the table's alias, {@code geometryParam} the bound column name). */
    static String rowJson(LayerShape layer, String geometryParam) {
        if (layer.geometryColumn() == null) {
            // the parameter is still named: a statement cannot leave a bound parameter untyped
            return "CAST(to_jsonb(t) - coalesce(" + geometryParam + ", '') AS text)";
        }
        return "CAST((to_jsonb(t) - " + geometryParam + ") || jsonb_build_object(" + geometryParam
                + ", ST_AsGeoJSON(t." + Sql.ident(layer.geometryColumn()) + ")::jsonb) AS text)";
    }

    /** Rows intersecting the area ($1 EWKT or NULL: the whole layer), as a condition on {@code t}. */
    static String inArea(LayerShape layer) {
        if (layer.geometryColumn() == null) {
            return "($1::text IS NULL)";
        }
        return "($1::text IS NULL OR ST_Intersects(t." + Sql.ident(layer.geometryColumn())
                + ", ST_GeomFromEWKT($1::text)))";
    }

    /**
     * Every row of the layer in the area, after a uid. Parameters: $1 area EWKT or NULL, $2 the
     * uid after which the page starts (or NULL), $3 the geometry column's name, $4 the page size
     * plus one (the extra row says that another page follows).
     */
    public static String reset(LayerShape layer) {
        String uid = "t." + Sql.ident(layer.uidColumn());
        return "SELECT " + uid + "::text, md5(CAST(t AS text)), " + rowJson(layer, "$3::text") + " FROM "
                + layer.table().quoted() + " AS t WHERE " + inArea(layer) + " AND ($2::uuid IS NULL OR " + uid
                + " > $2::uuid) ORDER BY " + uid + " LIMIT $4";
    }

    /**
     * The rows changed since a position: every uid the log names for the layer in transactions
     * the position's snapshot ($5) does not see (and this statement's snapshot does: it runs in
     * the answer's transaction), except changes written by the device itself ($6: it has them);
     * each is sent whole when it is in the area, or as a removal when it is gone or out of the
     * area. Parameters $1-$4 as in {@link #reset}, $7 schema, $8 table.
     */
    public static String delta(LayerShape layer) {
        String uid = "t." + Sql.ident(layer.uidColumn());
        return "WITH changed AS (SELECT DISTINCT l.uid FROM audit.logged_actions l"
                + " WHERE l.transaction_id >= pg_snapshot_xmin(CAST($5 AS text)::pg_snapshot)"
                + " AND NOT pg_visible_in_snapshot(l.transaction_id, CAST($5 AS text)::pg_snapshot)"
                + " AND l.schema_name = $7 AND l.table_name = $8 AND l.action <> 'T' AND l.uid IS NOT NULL"
                + " AND (l.sync_data ->> 'origin') IS DISTINCT FROM $6::text"
                + " AND ($2::uuid IS NULL OR l.uid > $2::uuid))"
                + " SELECT c.uid::text, CASE WHEN " + uid + " IS NULL OR NOT " + inArea(layer) + " THEN NULL"
                + " ELSE md5(CAST(t AS text)) END, CASE WHEN " + uid + " IS NULL OR NOT " + inArea(layer)
                + " THEN NULL ELSE " + rowJson(layer, "$3::text") + " END"
                + " FROM changed c LEFT JOIN " + layer.table().quoted() + " AS t ON " + uid + " = c.uid"
                + " ORDER BY c.uid LIMIT $4";
    }
}
