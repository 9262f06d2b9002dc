package io.lizsync.sql.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Database connection settings the way libpq finds them, for people who already keep them there:
 * a service from {@code pg_service.conf} ({@code PGSERVICE}, {@code PGSERVICEFILE},
 * {@code ~/.pg_service.conf}, {@code PGSYSCONFDIR/pg_service.conf}), then the {@code PGHOST},
 * {@code PGPORT}, {@code PGDATABASE}, {@code PGUSER}, {@code PGSSLMODE} variables, and the password
 * from {@code PGPASSWORD} or the password file ({@code PGPASSFILE}, {@code ~/.pgpass}). As in libpq,
 * a service's values come before the variables. The password never has to be on a command line.
 */
public record LibpqSettings(String host, int port, String database, String user, String password, String sslMode) {

    /** True when the environment names a libpq service or any PG* connection variable. */
    public static boolean requested(Function<String, String> env) {
        for (String k : List.of("PGSERVICE", "PGHOST", "PGPORT", "PGDATABASE", "PGUSER")) {
            String v = env.apply(k);
            if (v != null && !v.isBlank()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Resolves the settings.
     *
     * @throws IllegalArgumentException when a named service cannot be found or a port is not a number
     */
    public static LibpqSettings resolve(Function<String, String> env, Path home) {
        Map<String, String> values = new LinkedHashMap<>();
        String service = env.apply("PGSERVICE");
        if (service != null && !service.isBlank()) {
            Map<String, String> found = null;
            for (Path file : serviceFiles(env, home)) {
                found = readService(file, service);
                if (found != null) {
                    break;
                }
            }
            if (found == null) {
                throw new IllegalArgumentException("libpq service '" + service + "' not found in " + serviceFiles(env, home));
            }
            values.putAll(found);
        }
        values.putIfAbsent("host", or(env.apply("PGHOST"), "localhost"));
        values.putIfAbsent("port", or(env.apply("PGPORT"), "5432"));
        values.putIfAbsent("user", or(env.apply("PGUSER"), or(env.apply("USER"), "postgres")));
        values.putIfAbsent("dbname", or(env.apply("PGDATABASE"), values.get("user")));
        if (env.apply("PGSSLMODE") != null) {
            values.putIfAbsent("sslmode", env.apply("PGSSLMODE"));
        }
        int port;
        try {
            port = Integer.parseInt(values.get("port").trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("libpq port is not a number: '" + values.get("port") + "'");
        }
        String password = values.get("password");
        if (password == null) {
            password = env.apply("PGPASSWORD");
        }
        if (password == null) {
            String passfile = env.apply("PGPASSFILE");
            Path file = passfile != null ? Path.of(passfile) : home == null ? null : home.resolve(".pgpass");
            if (file != null) {
                password = passwordFromFile(file, values.get("host"), port, values.get("dbname"), values.get("user"));
            }
        }
        return new LibpqSettings(values.get("host"), port, values.get("dbname"), values.get("user"), password,
                values.get("sslmode"));
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + hostForUrl() + ":" + port + "/" + urlPart(database)
                + (sslMode == null ? "" : "?sslmode=" + urlPart(sslMode));
    }

    public String reactiveUrl() {
        return "postgresql://" + hostForUrl() + ":" + port + "/" + urlPart(database)
                + (sslMode == null ? "" : "?sslmode=" + urlPart(sslMode));
    }

    private String hostForUrl() {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static String urlPart(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return user + "@" + host + ":" + port + "/" + database;
    }

    static List<Path> serviceFiles(Function<String, String> env, Path home) {
        List<Path> out = new ArrayList<>();
        if (env.apply("PGSERVICEFILE") != null) {
            out.add(Path.of(env.apply("PGSERVICEFILE")));
        } else if (home != null) {
            out.add(home.resolve(".pg_service.conf"));
        }
        String sysconf = env.apply("PGSYSCONFDIR");
        out.add(Path.of(sysconf != null ? sysconf : "/etc/postgresql-common", "pg_service.conf"));
        return out;
    }

    /** The key=value lines of one [service] section, or null when the file or section is absent. */
    static Map<String, String> readService(Path file, String service) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
        Map<String, String> out = null;
        boolean in = false;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                if (in) {
                    break;
                }
                in = line.substring(1, line.length() - 1).strip().equals(service);
                if (in) {
                    out = new LinkedHashMap<>();
                }
                continue;
            }
            int eq = line.indexOf('=');
            if (in && eq > 0) {
                out.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        return out;
    }

    /** The password of the first matching line of a .pgpass file (fields may be *; \: and \\ escape). */
    static String passwordFromFile(Path file, String host, int port, String db, String user) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            List<String> f = splitPgpass(line);
            if (f.size() != 5) {
                continue;
            }
            if (match(f.get(0), host) && match(f.get(1), Integer.toString(port)) && match(f.get(2), db)
                    && match(f.get(3), user)) {
                return f.get(4);
            }
        }
        return null;
    }

    private static boolean match(String pattern, String value) {
        return pattern.equals("*") || pattern.equals(value)
                || pattern.equals("localhost") && ("127.0.0.1".equals(value) || "::1".equals(value));
    }

    private static List<String> splitPgpass(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (ch == '\\' && i + 1 < line.length()) {
                cur.append(line.charAt(++i));
            } else if (ch == ':' && out.size() < 4) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        out.add(cur.toString());
        return out;
    }

    private static String or(String v, String dflt) {
        return v == null || v.isBlank() ? dflt : v;
    }
}
