-- Sample GIS data for the local run: a field survey with observation points and land parcels.
CREATE SCHEMA field;
COMMENT ON SCHEMA field IS 'Sample field survey (local demo).';

CREATE TABLE field.parcel (
    id serial PRIMARY KEY,
    code text NOT NULL,
    owner text,
    land_use text,
    area_m2 numeric(12, 2),
    surveyed_on date,
    geom geometry(Polygon, 2154) NOT NULL
);
CREATE INDEX parcel_geom_idx ON field.parcel USING gist (geom);

CREATE TABLE field.observation (
    id serial PRIMARY KEY,
    species text NOT NULL,
    count integer,
    observer text,
    observed_at timestamptz NOT NULL DEFAULT now(),
    remarks text,
    geom geometry(Point, 2154) NOT NULL
);
CREATE INDEX observation_geom_idx ON field.observation USING gist (geom);

INSERT INTO field.parcel (code, owner, land_use, surveyed_on, geom)
SELECT 'P-' || lpad(g::text, 3, '0'),
       (ARRAY['Commune', 'GAEC des Prés', 'M. Dupont', 'ONF'])[1 + g % 4],
       (ARRAY['meadow', 'forest', 'crop', 'wetland'])[1 + g % 4],
       DATE '2026-04-01' + g,
       ST_MakeEnvelope(650000 + (g % 10) * 200, 6860000 + (g / 10) * 200,
                       650000 + (g % 10) * 200 + 180, 6860000 + (g / 10) * 200 + 180, 2154)
FROM generate_series(0, 39) g;
UPDATE field.parcel SET area_m2 = round(ST_Area(geom)::numeric, 2);

INSERT INTO field.observation (species, count, observer, observed_at, remarks, geom)
SELECT (ARRAY['Lanius collurio', 'Milvus milvus', 'Ciconia ciconia', 'Upupa epops'])[1 + g % 4],
       1 + g % 7,
       (ARRAY['Anne', 'Bruno', 'Chloé'])[1 + g % 3],
       TIMESTAMPTZ '2026-05-02 08:00:00+02' + g * interval '17 minutes',
       CASE WHEN g % 5 = 0 THEN 'near the hedge, "nest" seen' END,
       ST_SetSRID(ST_MakePoint(650000 + (g * 37) % 2000, 6860000 + (g * 53) % 800), 2154)
FROM generate_series(1, 120) g;
