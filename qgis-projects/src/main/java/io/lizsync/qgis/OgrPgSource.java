package io.lizsync.qgis;

/**
 * A PostgreSQL connection reached through GDAL/OGR ({@code provider="ogr"}): QGIS writes
 * {@code PG:<libpq connection string>} optionally followed by its own {@code |layername=…},
 * {@code |subset=…} and so on, e.g. {@code PG:dbname='gis' host=central port=5432 user='editor'
 * sslmode=disable|layername=survey.poi}. The connection string is read and rewritten by the rules of
 * {@link PgDataSource} (its {@code key=value} syntax is libpq's, which QGIS's own follows); the
 * {@code PG:} prefix, GDAL's keys ({@code schemas=}, {@code tables=}, {@code active_schema=}) and
 * everything after the first {@code |} outside quotes stay byte for byte. GDAL's older form with the
 * whole connection string in double quotes ({@code PG:"dbname='gis' host=central"|layername=…}, as
 * QGIS writes it for some layers) is read the same way: the string between the quotes is rewritten
 * and the quotes kept. Inside them a double quote ends the string only outside single quotes and
 * when no backslash escapes it; an unclosed one leaves the source alone. Pure.
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
        int start = PREFIX.length();
        boolean doubleQuoted = source.length() > start && source.charAt(start) == '"';
        int end;
        if (doubleQuoted) {
            int close = closingDoubleQuote(source, start + 1);
            if (close < 0) {
                return null; // unclosed: not a string GDAL could open either
            }
            start++;
            end = close;
        } else {
            end = endOfConnection(source);
        }
        String connection = source.substring(start, end);
        String out = DataSourceRewrite.rewrite(connection, central, clone);
        return out == null ? null : source.substring(0, start) + out + source.substring(end);
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

    /**
     * The index of the double quote closing GDAL's {@code PG:"…"} form, from {@code from} (after the
     * opening one): the first outside single quotes and not escaped by a backslash; -1 when none.
     */
    private static int closingDoubleQuote(String source, int from) {
        boolean quoted = false;
        for (int i = from; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '\'') {
                quoted = !quoted;
            } else if (c == '"' && !quoted) {
                return i;
            }
        }
        return -1;
    }
}
