package io.lizsync.qgis;

import java.util.Locale;

/**
 * A PostgreSQL database as QGIS projects name it: either a {@code service=} name of the libpq
 * service file ({@code service} non-empty; host, port, dbname and user are then not written) or
 * host, port, dbname and user. Never a password: a clone's QGIS finds it in {@code .pgpass}, in the
 * service file or in an {@code authcfg=} of QGIS's authentication database: {@code authcfg}
 * non-empty is written instead of the one a data source names; empty keeps the data source's own.
 * Only host/port/dbname or service matter when the target is compared (central); user and authcfg
 * only when it is written (the clone).
 */
public record PgTarget(String host, int port, String dbname, String user, String service, String authcfg) {

    /** The port libpq uses when a data source names none. */
    public static final int DEFAULT_PORT = 5432;

    public PgTarget {
        host = host == null ? "" : host;
        dbname = dbname == null ? "" : dbname;
        user = user == null ? "" : user;
        service = service == null ? "" : service;
        authcfg = authcfg == null ? "" : authcfg;
        if (!authcfg.isEmpty() && !authcfg.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("an authcfg id is letters and digits (QGIS writes 7 of them)");
        }
        if (port <= 0) {
            port = DEFAULT_PORT;
        }
        if (service.isEmpty() && dbname.isEmpty()) {
            throw new IllegalArgumentException("a PostgreSQL target needs a service name or a database name");
        }
    }

    /** Without an authcfg of its own. */
    public PgTarget(String host, int port, String dbname, String user, String service) {
        this(host, port, dbname, user, service, "");
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
        return new PgTarget("", DEFAULT_PORT, "", "", service, "");
    }

    /**
     * A target written as QGIS and libpq write connections: {@code host=db.example port=5432
     * dbname='gis' user='editor'} or {@code service=geopoppy}, optionally {@code authcfg=ID}.
     * A password, or any other key, is refused.
     *
     * @throws IllegalArgumentException naming what is wrong (never repeating a password)
     */
    public static PgTarget parse(String conninfo) {
        PgDataSource ds = PgDataSource.parse(conninfo == null ? "" : conninfo);
        for (String key : ds.keys()) {
            if (key.equals("password")) {
                throw new IllegalArgumentException("a database target holds no password (.pgpass, a service or an authcfg instead)");
            }
            if (!java.util.Set.of("host", "port", "dbname", "user", "service", "authcfg").contains(key)) {
                throw new IllegalArgumentException("unknown key " + key + " (host, port, dbname, user, service, authcfg)");
            }
        }
        int port = DEFAULT_PORT;
        if (ds.has("port")) {
            try {
                port = Integer.parseInt(ds.value("port"));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("port must be a number");
            }
        }
        return new PgTarget(ds.value("host"), port, ds.value("dbname"), ds.value("user"), ds.value("service"),
                ds.value("authcfg"));
    }

    /** This target writing {@code authcfg=id} into every data source it is written to. */
    public PgTarget withAuthcfg(String id) {
        return new PgTarget(host, port, dbname, user, service, id);
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
