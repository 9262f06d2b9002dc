package io.lizsync.qgis;

/** The decision for one data source string (pure): rewritten to the clone when it points at central. */
public final class DataSourceRewrite {

    private DataSourceRewrite() {
    }

    /**
     * The data source connecting to {@code clone} instead, or null when it does not point at
     * {@code central} (another database, or not a PostgreSQL data source at all: left alone).
     */
    public static String rewrite(String source, PgTarget central, PgTarget clone) {
        if (source == null || source.isBlank()) {
            return null;
        }
        PgDataSource parsed = PgDataSource.parse(source);
        if (!parsed.pointsAt(central)) {
            return null;
        }
        String out = parsed.withConnection(clone).toString();
        return out.equals(source) ? null : out;
    }
}
