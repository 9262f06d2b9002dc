package io.lizsync.qgis;

import java.util.Locale;

/**
 * A PostgreSQL database as QGIS projects name it: either a {@code service=} name of the libpq
 * service file ({@code service} non-empty; host, port, dbname and user are then not written) or
 * host, port, dbname and user. Never a password: a clone's QGIS finds it in {@code .pgpass}, in the
 * service file or in an {@code authcfg=} the project already names.
 */
public record PgTarget(String host, int port, String dbname, String user, String service) {

    /** The port libpq uses when a data source names none. */
    public static final int DEFAULT_PORT = 5432;

    public PgTarget {
        host = host == null ? "" : host;
        dbname = dbname == null ? "" : dbname;
        user = user == null ? "" : user;
        service = service == null ? "" : service;
        if (port <= 0) {
            port = DEFAULT_PORT;
        }
        if (service.isEmpty() && dbname.isEmpty()) {
            throw new IllegalArgumentException("a PostgreSQL target needs a service name or a database name");
        }
    }

    /** host/port/dbname/user. */
    public static PgTarget of(String host, int port, String dbname, String user) {
        return new PgTarget(host, port, dbname, user, "");
    }

    /** A libpq service name ({@code pg_service.conf}). */
    public static PgTarget ofService(String service) {
        if (service == null || service.isBlank()) {
            throw new IllegalArgumentException("a service name must not be blank");
        }
        return new PgTarget("", DEFAULT_PORT, "", "", service);
    }

    public boolean usesService() {
        return !service.isEmpty();
    }

    /** The host as compared: no host is libpq's local default, written {@code localhost}. */
    String comparableHost() {
        return host.isEmpty() ? "localhost" : host.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return usesService() ? "service=" + service : host + ":" + port + "/" + dbname + (user.isEmpty() ? "" : " as " + user);
    }
}
