package io.lizsync.qgis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A PostgreSQL provider data source string as QGIS writes and reads it ({@code QgsDataSourceUri}):
 * blank-separated {@code key=value} pairs, a value either bare (up to the next blank; {@code \\} and
 * {@code \'} escaped) or quoted with {@code '} or {@code "} (the quote and {@code \} escaped by a
 * backslash, any other backslash kept), {@code table=} followed by {@code "schema"."table"} and an
 * optional {@code (geometry column)} ({@code \)} and {@code \\} escaped), and {@code sql=} taking the
 * rest of the string whatever it holds.
 *
 * <p>The parse keeps every pair's text as it was written ({@link #toString()} gives the input back
 * byte for byte), so that {@link #withConnection} changes the connection keys only and every other
 * key (table, key, srid, type, sslmode, authcfg, checkPrimaryKeyUnicity, the sql filter, keys this
 * code does not know) stays exactly as QGIS wrote it. Pure: no I/O.
 */
public final class PgDataSource {

    /** The keys that say which server, database and login a layer uses; rewritten together. */
    static final Set<String> CONNECTION_KEYS =
            Set.of("host", "hostaddr", "port", "dbname", "user", "username", "password", "service");

    /**
     * One pair as written: its leading blanks, key, {@code =} and value text. {@code key} is null for
     * text QGIS skips (a word without {@code =}).
     */
    record Part(String key, String raw, String value, Table table) {
    }

    /** The decoded parts of {@code table=}. */
    public record Table(String schema, String name, String geometryColumn) {
    }

    private final List<Part> parts;
    private final String tail;

    private PgDataSource(List<Part> parts, String tail) {
        this.parts = List.copyOf(parts);
        this.tail = tail;
    }

    /** Parses a data source string; never fails (QGIS reads any string too, skipping what it cannot use). */
    public static PgDataSource parse(String uri) {
        return new Parser(uri).parse();
    }

    /** The decoded value of the last {@code key=} (QGIS keeps the last), or null. {@code sql} is the rest of the string. */
    public String value(String key) {
        String found = null;
        for (Part p : parts) {
            if (key.equals(p.key())) {
                found = p.value();
            }
        }
        return found;
    }

    public boolean has(String key) {
        return value(key) != null;
    }

    /** The decoded {@code table=} (schema, table, geometry column), or null. */
    public Table table() {
        Table found = null;
        for (Part p : parts) {
            if ("table".equals(p.key())) {
                found = p.table();
            }
        }
        return found;
    }

    /** The keys in the order written. */
    public List<String> keys() {
        return parts.stream().map(Part::key).filter(k -> k != null).toList();
    }

    /**
     * Whether this data source connects to {@code target}: the same {@code service=} when it names one
     * (and the target is a service), else the same dbname, port (5432 when absent) and host (compared
     * without case; no host is the local default {@code localhost}).
     */
    public boolean pointsAt(PgTarget target) {
        String service = value("service");
        if (service != null && !service.isEmpty()) {
            return target.usesService() && service.equals(target.service());
        }
        if (target.usesService()) {
            return false;
        }
        String dbname = value("dbname");
        if (dbname == null || !dbname.equals(target.dbname())) {
            return false;
        }
        String host = value("host");
        if (host == null || host.isEmpty()) {
            host = value("hostaddr");
        }
        String comparableHost = host == null || host.isEmpty() ? "localhost" : host.toLowerCase(Locale.ROOT);
        if (!comparableHost.equals(target.comparableHost())) {
            return false;
        }
        String port = value("port");
        try {
            int p = port == null || port.isBlank() ? PgTarget.DEFAULT_PORT : Integer.parseInt(port.trim());
            return p == target.port();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * This data source connecting to {@code target} instead: every connection key (host, hostaddr,
     * port, dbname, user, username, service) dropped, and with them any {@code password=} (never
     * written), the target's keys written where the first of them was, in QGIS's order
     * ({@code dbname='…' host=… port=… user='…'}, or {@code service='…'}, then the target's
     * {@code authcfg=} when it has one, replacing the string's); every other pair unchanged, the
     * string's {@code authcfg=} included when the target names none.
     */
    public PgDataSource withConnection(PgTarget target) {
        List<Part> out = new ArrayList<>();
        boolean written = false;
        boolean ownAuthcfg = !target.authcfg().isEmpty();
        for (Part p : parts) {
            if (p.key() != null && (CONNECTION_KEYS.contains(p.key()) || ownAuthcfg && p.key().equals("authcfg"))) {
                if (!written) {
                    out.addAll(connectionParts(target, leadingBlanks(p.raw())));
                    written = true;
                }
                continue;
            }
            out.add(p);
        }
        if (!written) {
            List<Part> first = connectionParts(target, "");
            if (!out.isEmpty() && !Character.isWhitespace(out.get(0).raw().isEmpty() ? 'x' : out.get(0).raw().charAt(0))) {
                Part head = out.remove(0);
                out.add(0, new Part(head.key(), " " + head.raw(), head.value(), head.table()));
            }
            out.addAll(0, first);
        }
        return new PgDataSource(out, tail);
    }

    private static List<Part> connectionParts(PgTarget target, String lead) {
        List<Part> out = new ArrayList<>();
        if (target.usesService()) {
            out.add(pair(lead, "service", quoted(target.service()), target.service()));
            return withAuthcfg(out, target);
        }
        out.add(pair(lead, "dbname", quoted(target.dbname()), target.dbname()));
        if (!target.host().isEmpty()) {
            out.add(pair(" ", "host", bare(target.host()), target.host()));
        }
        out.add(pair(" ", "port", Integer.toString(target.port()), Integer.toString(target.port())));
        if (!target.user().isEmpty()) {
            out.add(pair(" ", "user", quoted(target.user()), target.user()));
        }
        return withAuthcfg(out, target);
    }

    private static List<Part> withAuthcfg(List<Part> out, PgTarget target) {
        if (!target.authcfg().isEmpty()) {
            out.add(pair(" ", "authcfg", target.authcfg(), target.authcfg()));
        }
        return out;
    }

    private static Part pair(String lead, String key, String text, String value) {
        return new Part(key, lead + key + "=" + text, value, null);
    }

    /** QGIS's escaping of a quoted value: backslash and quote preceded by a backslash. */
    static String quoted(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** A bare value as QGIS writes a host; quoted when it could not be read back bare. */
    private static String bare(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isWhitespace(c) || c == '\'' || c == '"' || c == '\\') {
                return quoted(value);
            }
        }
        return value;
    }

    private static String leadingBlanks(String raw) {
        int i = 0;
        while (i < raw.length() && Character.isWhitespace(raw.charAt(i))) {
            i++;
        }
        return raw.substring(0, i);
    }

    /** The string as written (after {@link #withConnection}, with the new connection keys). */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Part p : parts) {
            sb.append(p.raw());
        }
        return sb.append(tail).toString();
    }

    /** The scanner, following QgsDataSourceUri's reading rules. */
    private static final class Parser {
        private final String s;
        private final int n;
        private int i;
        private final List<Part> parts = new ArrayList<>();

        Parser(String s) {
            this.s = s;
            this.n = s.length();
        }

        PgDataSource parse() {
            while (true) {
                int start = i;
                skipBlanks();
                if (i >= n) {
                    return new PgDataSource(parts, s.substring(start));
                }
                if (s.charAt(i) == '=') {
                    i++;
                    parts.add(new Part(null, s.substring(start, i), null, null));
                    continue;
                }
                int keyStart = i;
                while (i < n && s.charAt(i) != '=' && !Character.isWhitespace(s.charAt(i))) {
                    i++;
                }
                String key = s.substring(keyStart, i);
                int afterKey = i;
                skipBlanks();
                if (i >= n || s.charAt(i) != '=') {
                    i = afterKey;
                    parts.add(new Part(null, s.substring(start, i), null, null));
                    continue;
                }
                i++;
                if (key.equals("sql")) {
                    skipBlanks();
                    parts.add(new Part(key, s.substring(start), s.substring(i), null));
                    return new PgDataSource(parts, "");
                }
                String value = readValue();
                Table table = null;
                if (key.equals("table")) {
                    table = readTableRest(value);
                }
                parts.add(new Part(key, s.substring(start, i), value, table));
            }
        }

        /** After {@code table=}'s first value: {@code ."name"} and {@code (geom)}, blanks allowed between. */
        private Table readTableRest(String first) {
            String schema = "";
            String name = first;
            int mark = i;
            skipBlanks();
            if (i < n && s.charAt(i) == '.') {
                i++;
                schema = first;
                name = readValue();
                mark = i;
                skipBlanks();
            }
            String geometry = "";
            if (i < n && s.charAt(i) == '(') {
                i++;
                StringBuilder g = new StringBuilder();
                while (i < n && s.charAt(i) != ')') {
                    char c = s.charAt(i);
                    if (c == '\\' && i + 1 < n && (s.charAt(i + 1) == ')' || s.charAt(i + 1) == '\\')) {
                        g.append(s.charAt(i + 1));
                        i += 2;
                        continue;
                    }
                    g.append(c);
                    i++;
                }
                if (i < n) {
                    i++;
                }
                geometry = g.toString();
            } else {
                i = mark;
            }
            return new Table(schema, name, geometry);
        }

        /** One value, bare or quoted, from the current position (leading blanks skipped, trailing ones not consumed). */
        private String readValue() {
            skipBlanks();
            StringBuilder v = new StringBuilder();
            if (i < n && (s.charAt(i) == '\'' || s.charAt(i) == '"')) {
                char delim = s.charAt(i++);
                while (i < n) {
                    char c = s.charAt(i);
                    if (c == '\\') {
                        if (i + 1 >= n) {
                            i++;
                            break;
                        }
                        char next = s.charAt(i + 1);
                        if (next == delim || next == '\\') {
                            v.append(next);
                            i += 2;
                        } else {
                            v.append(c);
                            i++;
                        }
                    } else if (c == delim) {
                        i++;
                        return v.toString();
                    } else {
                        v.append(c);
                        i++;
                    }
                }
                return v.toString(); // unterminated: QGIS keeps what it read
            }
            while (i < n && !Character.isWhitespace(s.charAt(i))) {
                char c = s.charAt(i);
                if (c == '\\' && i + 1 < n && (s.charAt(i + 1) == '\\' || s.charAt(i + 1) == '\'')) {
                    v.append(s.charAt(i + 1));
                    i += 2;
                    continue;
                }
                if (c == '\\' && i + 1 >= n) {
                    i++;
                    break;
                }
                v.append(c);
                i++;
            }
            return v.toString();
        }

        private void skipBlanks() {
            while (i < n && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }
    }
}
