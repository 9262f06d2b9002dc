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

    /**
     * The row as JSON text ({@code t} the table's alias): every column by name, in table order,
     * the geometry as a GeoJSON geometry written without a CRS member (ST_AsGeoJSON's default
     * looks the SRID up in spatial_ref_sys for every row: a third of a download's time). Built
     * from an explicit select list: {@code to_jsonb(t)} would convert the geometry through
     * PostGIS's json cast (that same lookup) before it could be replaced.
     */
    static String rowJson(LayerShape layer) {
        StringBuilder sb = new StringBuilder("CAST((SELECT row_to_json(lizsync_j) FROM (SELECT ");
        for (int i = 0; i < layer.columns().size(); i++) {
            String name = Sql.ident(layer.columns().get(i).name());
            sb.append(i == 0 ? "" : ", ");
            if (layer.isGeometry(layer.columns().get(i).name())) {
                sb.append("CAST(ST_AsGeoJSON(t.").append(name).append(", 15, 0) AS json) AS ").append(name);
            } else {
                sb.append("t.").append(name);
            }
        }
        return sb.append(") AS lizsync_j) AS text)").toString();
    }

    /** The row's primary key as a JSON object (the "server id"), {@code t} the table's alias. */
    static String keyJson(LayerShape layer) {
        StringBuilder sb = new StringBuilder("CAST((SELECT row_to_json(lizsync_k) FROM (SELECT ");
        for (int i = 0; i < layer.primaryKey().size(); i++) {
            sb.append(i == 0 ? "" : ", ").append("t.").append(Sql.ident(layer.primaryKey().get(i)));
        }
        return sb.append(") AS lizsync_k) AS text)").toString();
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
     * uid after which the page starts (or NULL), $3 the page size plus one (the extra row says
     * that another page follows).
     */
    public static String reset(LayerShape layer) {
        String uid = "t." + Sql.ident(layer.uidColumn());
        return "SELECT " + uid + "::text, md5(CAST(t AS text)), " + rowJson(layer) + " FROM "
                + layer.table().quoted() + " AS t WHERE " + inArea(layer) + " AND ($2::uuid IS NULL OR " + uid
                + " > $2::uuid) ORDER BY " + uid + " LIMIT $3";
    }

    /**
     * The rows changed since a position: every uid the log names for the layer in transactions
     * the position's snapshot ($4) does not see (and this statement's snapshot does: it runs in
     * the answer's transaction), except changes written by the device itself ($5: it has them);
     * each is sent whole when it is in the area, or as a removal when it is gone or out of the
     * area. Parameters $1-$3 as in {@link #reset}, $6 schema, $7 table.
     */
    public static String delta(LayerShape layer) {
        String uid = "t." + Sql.ident(layer.uidColumn());
        return "WITH changed AS (SELECT DISTINCT l.uid FROM audit.logged_actions l"
                + " WHERE l.transaction_id >= pg_snapshot_xmin(CAST($4 AS text)::pg_snapshot)"
                + " AND NOT pg_visible_in_snapshot(l.transaction_id, CAST($4 AS text)::pg_snapshot)"
                + " AND l.schema_name = $6 AND l.table_name = $7 AND l.action <> 'T' AND l.uid IS NOT NULL"
                + " AND (l.sync_data ->> 'origin') IS DISTINCT FROM $5::text"
                + " AND ($2::uuid IS NULL OR l.uid > $2::uuid))"
                + " SELECT c.uid::text, CASE WHEN " + uid + " IS NULL OR NOT " + inArea(layer) + " THEN NULL"
                + " ELSE md5(CAST(t AS text)) END, CASE WHEN " + uid + " IS NULL OR NOT " + inArea(layer)
                + " THEN NULL ELSE " + rowJson(layer) + " END"
                + " FROM changed c LEFT JOIN " + layer.table().quoted() + " AS t ON " + uid + " = c.uid"
                + " ORDER BY c.uid LIMIT $3";
    }
}
