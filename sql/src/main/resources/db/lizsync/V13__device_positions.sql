-- LizSync tools: mobile devices (issue 14, ADR 0020). Central's; on a clone the tables stay empty.
--
-- A device keeps one position per layer (a synchronised table) over central's change log: the
-- snapshot of the last download answer it confirmed, and the area of interest of that answer.
-- A download sends the rows whose log rows belong to transactions not visible in that snapshot
-- (the sync engine's snapshot ordering, ADR 0001): nothing per row and per device, so the cost of
-- a download with nothing new does not grow with the rows or the devices, and a transaction that
-- commits late is still read. No foreign key: forgetting a device deletes its rows here.

CREATE TABLE lizsync.device_positions (
    device_id uuid NOT NULL,
    schema_name text NOT NULL,
    table_name text NOT NULL,
    position_snapshot pg_snapshot NOT NULL,
    area text,
    structure_version text NOT NULL,
    confirmed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (device_id, schema_name, table_name)
);
COMMENT ON TABLE lizsync.device_positions IS 'On central: per device and layer, the snapshot of the last download answer the device confirmed.';
COMMENT ON COLUMN lizsync.device_positions.area IS 'EWKT of the area of interest of that answer, in the layer''s SRID (NULL: the whole layer).';

-- Uploads already applied: a retry with the same request id gets the stored answer.
CREATE TABLE lizsync.device_uploads (
    device_id uuid NOT NULL,
    request_id text NOT NULL,
    import_id uuid NOT NULL,
    request_hash text NOT NULL,
    answer bytea,
    received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (device_id, request_id)
);
CREATE INDEX device_uploads_received_idx ON lizsync.device_uploads (received_at);
COMMENT ON TABLE lizsync.device_uploads IS 'On central: device uploads by client request id (REST Idempotency-Key), with the answer given.';

-- How far the change log has been pruned: whoever deletes rows of audit.logged_actions raises
-- pruned_below in the same transaction to the oldest transaction id it kept. A device position
-- whose snapshot needs older transactions is refused ("download the layer again").
CREATE TABLE lizsync.log_horizon (
    pruned_below xid8 NOT NULL DEFAULT '0',
    pruned_at timestamptz
);
CREATE UNIQUE INDEX log_horizon_single_row ON lizsync.log_horizon ((true));
INSERT INTO lizsync.log_horizon DEFAULT VALUES;
COMMENT ON TABLE lizsync.log_horizon IS 'One row: log rows of transactions below pruned_below may be gone.';

-- A geometry sent by a device (GeoJSON geometry or WKT, in p_srid) as the layer stores it (hex
-- EWKB in p_layer_srid), or why it cannot be: not a geometry, invalid, of another type.
CREATE FUNCTION lizsync.device_geometry(p_input text, p_srid integer, p_layer_srid integer, p_layer_type text,
                                        OUT ewkb text, OUT error text)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, public
AS $func$
DECLARE
    g public.geometry;
    t text;
BEGIN
    BEGIN
        IF ltrim(p_input) LIKE '{%' THEN
            g := public.ST_GeomFromGeoJSON(p_input);
        ELSE
            g := public.ST_GeomFromText(p_input);
        END IF;
    EXCEPTION WHEN OTHERS THEN
        error := 'not a geometry (GeoJSON or WKT): ' || SQLERRM;
        RETURN;
    END;
    g := public.ST_SetSRID(g, p_srid);
    IF NOT public.ST_IsValid(g) THEN
        error := 'invalid geometry: ' || public.ST_IsValidReason(g);
        RETURN;
    END IF;
    t := upper(public.GeometryType(g));
    IF p_layer_type IS NOT NULL AND p_layer_type NOT IN ('', 'GEOMETRY') AND t <> upper(p_layer_type) THEN
        IF upper(p_layer_type) = 'MULTI' || t THEN
            g := public.ST_Multi(g);
        ELSE
            error := 'a ' || t || ' where the layer holds ' || upper(p_layer_type);
            RETURN;
        END IF;
    END IF;
    IF p_layer_srid <> 0 AND p_srid <> p_layer_srid THEN
        g := public.ST_Transform(g, p_layer_srid);
    END IF;
    ewkb := CAST(g AS text);
END;
$func$;

-- Why a value sent by a device is not valid input for a column type (NULL when it is). The type
-- is a column's type from the catalog (format_type), never the device's.
CREATE FUNCTION lizsync.device_value_error(p_value text, p_type text) RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, public
AS $func$
BEGIN
    EXECUTE format('SELECT CAST(%L AS %s)', p_value, p_type);
    RETURN NULL;
EXCEPTION WHEN OTHERS THEN
    RETURN SQLERRM;
END;
$func$;
