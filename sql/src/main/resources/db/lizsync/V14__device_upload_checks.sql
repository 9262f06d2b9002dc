-- LizSync tools: device uploads checked in one call (issue 14, ADR 0020). Central's.
--
-- lizsync.device_value_error checks one value per call (an EXECUTE and a subtransaction each: a
-- third of an upload's database time for 100 rows of two typed columns). This checks a whole
-- upload's values in one dynamic statement (one subtransaction); only when that statement fails
-- are the values checked one by one, to name the first that is not valid input for its type.
-- The types are columns' types from the catalog (format_type), never a device's: each must be a
-- type name PostgreSQL knows (regtype) before it enters the statement.

CREATE FUNCTION lizsync.device_value_errors(p_values text[], p_types text[], OUT ord integer, OUT error text)
    RETURNS SETOF record
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, public
AS $func$
DECLARE
    arms text := '';
    t text;
    n integer := coalesce(cardinality(p_values), 0);
BEGIN
    IF n = 0 THEN
        RETURN;
    END IF;
    IF cardinality(p_types) IS DISTINCT FROM n THEN
        RAISE EXCEPTION 'device_value_errors: % values, % types', n, cardinality(p_types);
    END IF;
    FOR t IN SELECT DISTINCT u FROM unnest(p_types) AS u LOOP
        PERFORM CAST(t AS regtype);
        -- CASE evaluates only the arm of the value's type: each value is cast to its own type.
        arms := arms || format(' WHEN %L THEN CAST(u.v AS %s) IS NULL', t, t);
    END LOOP;
    BEGIN
        EXECUTE 'SELECT count(*) FROM unnest($1, $2) AS u (v, t) WHERE CASE u.t' || arms || ' END'
            USING p_values, p_types;
        RETURN;
    EXCEPTION WHEN OTHERS THEN
        NULL; -- some value is not valid input: find the first
    END;
    FOR i IN 1 .. n LOOP
        error := lizsync.device_value_error(p_values[i], p_types[i]);
        IF error IS NOT NULL THEN
            ord := i;
            RETURN NEXT;
            RETURN;
        END IF;
    END LOOP;
END;
$func$;
COMMENT ON FUNCTION lizsync.device_value_errors(text[], text[]) IS 'The first value (1-based) that is not valid input for its type and why; no row when all are.';
