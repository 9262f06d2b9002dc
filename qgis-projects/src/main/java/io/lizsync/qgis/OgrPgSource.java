package io.lizsync.qgis;

/**
 * A PostgreSQL connection reached through GDAL/OGR ({@code provider="ogr"}): QGIS writes
 * {@code PG:<libpq connection string>} optionally followed by its own {@code |layername=…},
 * {@code |subset=…} and so on, e.g. {@code PG:dbname='gis' host=central port=5432 user='editor'
 * sslmode=disable|layername=survey.poi}. The connection string is read and rewritten by the rules of
 * {@link PgDataSource} (its {@code key=value} syntax is libpq's, which QGIS's own follows); the
 * {@code PG:} prefix, GDAL's keys ({@code schemas=}, {@code tables=}, {@code active_schema=}) and
 * everything after the first {@code |} outside quotes stay byte for byte. Pure.
 */
final class OgrPgSource {

    private static final String PREFIX = "PG:";

    private OgrPgSource() {
    }

    /** True for an OGR source naming a PostgreSQL database ({@code PG:…}). */
    static boolean isPg(String source) {
        return source != null && source.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }

    /** The source connecting to {@code clone}, or null when it is not a {@code PG:} source pointing at {@code central}. */
    static String rewrite(String source, PgTarget central, PgTarget clone) {
        if (!isPg(source)) {
            return null;
        }
        int end = endOfConnection(source);
        String connection = source.substring(PREFIX.length(), end);
        String out = DataSourceRewrite.rewrite(connection, central, clone);
        return out == null ? null : source.substring(0, PREFIX.length()) + out + source.substring(end);
    }

    /** Where the connection string ends: the first {@code |} outside single quotes (a backslash escapes). */
    private static int endOfConnection(String source) {
        boolean quoted = false;
        for (int i = PREFIX.length(); i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '\\' && quoted) {
                i++;
            } else if (c == '\'') {
                quoted = !quoted;
            } else if (c == '|' && !quoted) {
                return i;
            }
        }
        return source.length();
    }
}
