package io.lizsync.sql.pkg;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a PostgreSQL client program (pg_dump) connects, given as libpq environment variables so
 * that nothing, and never the password, appears on its command line.
 */
public record LibpqTarget(String host, int port, String database, String user, String password, String sslMode) {

    /** From a pgjdbc URL ({@code jdbc:postgresql://host:port/db?sslmode=...}) and credentials. */
    public static LibpqTarget fromJdbcUrl(String jdbcUrl, String user, String password) {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database)");
        }
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        String db = uri.getPath() == null || uri.getPath().length() <= 1 ? user : uri.getPath().substring(1);
        Map<String, String> params = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String kv : uri.getRawQuery().split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    params.put(kv.substring(0, eq), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        String u = user != null && !user.isBlank() ? user : params.get("user");
        String p = password != null ? password : params.get("password");
        return new LibpqTarget(uri.getHost() == null ? "127.0.0.1" : uri.getHost(),
                uri.getPort() < 0 ? 5432 : uri.getPort(), URLDecoder.decode(db, StandardCharsets.UTF_8), u, p,
                params.get("sslmode"));
    }

    /** The PG* variables for a child process. */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PGHOST", host);
        env.put("PGPORT", Integer.toString(port));
        env.put("PGDATABASE", database);
        if (user != null) {
            env.put("PGUSER", user);
        }
        if (password != null && !password.isEmpty()) {
            env.put("PGPASSWORD", password);
        }
        if (sslMode != null) {
            env.put("PGSSLMODE", sslMode);
        }
        env.put("PGCONNECT_TIMEOUT", "15");
        env.put("PGAPPNAME", "lizsync-packaging");
        return env;
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return user + "@" + host + ":" + port + "/" + database;
    }
}
