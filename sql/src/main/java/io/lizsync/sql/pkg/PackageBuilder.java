package io.lizsync.sql.pkg;

import io.lizsync.sql.Sql;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Builds a package from the central database (seed 002, "Create a package from the central
 * database"): the structure of the chosen schemas or tables and their rows, all read in one
 * REPEATABLE READ snapshot, together with the change-log position of exactly that snapshot.
 *
 * <p>The position is a tick ({@code lizsync.ticks}) whose {@code pg_snapshot} is the snapshot of the
 * dump itself, inserted by the dumping transaction and committed with it, with the package's 'full'
 * history item. A clone deployed from the package starts from that tick: its first pull receives
 * every change whose transaction the dump did not see, whatever the commit order, and nothing the
 * dump already holds. pg_dump reads the structure in the same snapshot ({@code --snapshot}); the
 * rows travel as COPY text through pgjdbc's CopyManager, streamed into the ZIP. The manifest is
 * signed with central's package-signing key ({@link PackageSignature}): clones deploy nothing else.
 */
public final class PackageBuilder {

    /** What to package. Exactly one of schemas or tables is non-empty. */
    public record Request(List<String> schemas, List<TableName> tables, String additionalSql, String description,
            String requestedBy) {
    }

    /** A finished package: its archive (a temporary file beside the target) and manifest. */
    public record Built(Path archive, PackageManifest manifest, long sizeBytes, String sha256) {
    }

    /** Largest additional SQL file (proto contract). */
    public static final int MAX_ADDITIONAL_SQL = 1024 * 1024;
    private static final Pattern RESTRICT_LINE = Pattern.compile("^\\\\(un)?restrict [A-Za-z0-9]+\\s*$");

    private final DataSource dataSource;
    private final LibpqTarget target;
    private final Path pgDump;
    private final int compressionLevel;
    private final PackageSignature.Signer signer;

    public PackageBuilder(DataSource dataSource, LibpqTarget target, Path pgDump, int compressionLevel,
            PackageSignature.Signer signer) {
        this.dataSource = dataSource;
        this.target = target;
        this.pgDump = pgDump;
        this.compressionLevel = compressionLevel;
        this.signer = java.util.Objects.requireNonNull(signer, "signer");
    }

    /** pg_dump: the configured path, else the newest under /usr/lib/postgresql, else the PATH. */
    public static Path findPgDump(String configured) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path base = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(base)) {
            try (var dirs = Files.list(base)) {
                var found = dirs.map(d -> d.resolve("bin/pg_dump")).filter(Files::isExecutable)
                        .max((a, b) -> Integer.compare(major(a), major(b)));
                if (found.isPresent()) {
                    return found.get();
                }
            } catch (IOException e) {
                // fall through to the PATH
            }
        }
        return Path.of("pg_dump");
    }

    private static int major(Path pgDump) {
        try {
            return Integer.parseInt(pgDump.getParent().getParent().getFileName().toString());
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /**
     * Builds the package into {@code archive} (created; deleted again on failure). The tick and the
     * history item are committed only when the whole archive was written.
     */
    public Built build(Request request, Path archive, Progress progress)
            throws SQLException, IOException, PackageRefusedException {
        return build(request, archive, progress, () -> false);
    }

    /** What a build will package, checked before it is queued. */
    public record Plan(List<TableName> tables, long estimatedRows) {
    }

    /**
     * Checks a request as a build would (same refusals: IllegalArgumentException,
     * PackageRefusedException), without building: what can be refused before a build is queued.
     * {@code estimatedRows} is the planner's estimate ({@code pg_class.reltuples}), -1 when the
     * tables were never analysed. The build checks again in its own snapshot.
     */
    public Plan check(Request request) throws SQLException, PackageRefusedException {
        boolean bySchema = validate(request);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try {
                Checked checked = check(c, request, bySchema);
                long estimate = -1;
                try (PreparedStatement ps = c.prepareStatement("SELECT sum(c.reltuples)::bigint, min(c.reltuples) "
                        + "FROM pg_class c WHERE c.oid = ANY (?::regclass[])")) {
                    ps.setArray(1, c.createArrayOf("text",
                            checked.tables().stream().map(TableName::qualified).toArray(String[]::new)));
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next() && rs.getDouble(2) >= 0) {
                            estimate = rs.getLong(1);
                        }
                    }
                }
                return new Plan(checked.tables(), estimate);
            } finally {
                c.rollback();
            }
        }
    }

    /** Exactly one of schemas or tables; additional SQL within bounds. Returns true for schemas. */
    private static boolean validate(Request request) {
        boolean bySchema = request.schemas() != null && !request.schemas().isEmpty();
        boolean byTable = request.tables() != null && !request.tables().isEmpty();
        if (bySchema == byTable) {
            throw new IllegalArgumentException("give either schemas or tables to package (exactly one of them)");
        }
        String additional = request.additionalSql() == null ? "" : request.additionalSql();
        if (additional.getBytes(StandardCharsets.UTF_8).length > MAX_ADDITIONAL_SQL) {
            throw new IllegalArgumentException("additional_sql is larger than 1 MiB");
        }
        return bySchema;
    }

    /** The checks of a request within a transaction: tools, central's id, schemas, tables, preparation. */
    private record Checked(String toolsVersion, String centralId, List<String> schemas, List<TableName> tables) {
    }

    private Checked check(Connection c, Request request, boolean bySchema) throws SQLException, PackageRefusedException {
        String toolsVersion = "t".equals(single(c, "SELECT to_regprocedure('lizsync.tools_version()') IS NOT NULL "
                + "AND to_regclass('lizsync.ticks') IS NOT NULL"))
                ? single(c, "SELECT lizsync.tools_version()") : null;
        if (toolsVersion == null) {
            throw new PackageRefusedException("the LizSync tools are not installed in the central database: "
                    + "run install and prepare first");
        }
        String centralId = single(c, "SELECT server_id::text FROM lizsync.server_metadata LIMIT 1");
        if (centralId == null) {
            throw new PackageRefusedException("central has no server id: run prepare with add server id");
        }
        List<String> schemas = new ArrayList<>();
        List<TableName> tables = bySchema ? tablesOfSchemas(c, request.schemas(), schemas)
                : checkTables(c, request.tables(), schemas);
        checkPrepared(c, tables);
        return new Checked(toolsVersion, centralId, schemas, tables);
    }

    /**
     * Like {@link #build(Request, Path, Progress)}, stopping at the next safe point once
     * {@code cancelRequested} says so (between steps, between tables, and between the rows of a
     * table's COPY) with {@link PackageBuildCancelledException}: the transaction rolls back (no
     * tick, no history item) and the archive is deleted. Within a table's COPY, progress is
     * reported every {@link #ROWS_PER_REPORT} rows.
     */
    public Built build(Request request, Path archive, Progress progress, java.util.function.BooleanSupplier cancelRequested)
            throws SQLException, IOException, PackageRefusedException {
        boolean bySchema = validate(request);
        String additional = request.additionalSql() == null ? "" : request.additionalSql();
        Progress checked = (step, percent, message, table, rows) -> {
            if (cancelRequested.getAsBoolean()) {
                throw new UncheckedIOException(new PackageBuildCancelledException());
            }
            progress.report(step, percent, message, table, rows);
        };
        try {
            return build(request, archive, checked, cancelRequested, bySchema, additional);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Rows between two progress reports inside one table's COPY. */
    public static final int ROWS_PER_REPORT = 10_000;

    private Built build(Request request, Path archive, Progress progress, java.util.function.BooleanSupplier cancelRequested,
            boolean bySchema, String additional) throws SQLException, IOException, PackageRefusedException {
        progress.report("check", 1, "checking the tools, the schemas and the tables", null, 0);
        String packageId = UUID.randomUUID().toString();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            boolean done = false;
            try {
                // The first statement fixes the transaction's snapshot: everything below reads it.
                String snapshot;
                Instant createdAt;
                try (Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT pg_export_snapshot(), now()")) {
                    rs.next();
                    snapshot = rs.getString(1);
                    createdAt = rs.getTimestamp(2).toInstant();
                }
                Checked checked = check(c, request, bySchema);
                String toolsVersion = checked.toolsVersion();
                String centralId = checked.centralId();
                List<String> schemas = checked.schemas();
                List<TableName> tables = checked.tables();
                List<TableShapes.Shape> shapes = new ArrayList<>();
                for (TableName t : tables) {
                    shapes.add(TableShapes.shape(c, t.schema(), t.table()));
                }
                List<String> extensions = extensions(c, tables);

                progress.report("snapshot", 5, "recording the log position of the snapshot", null, 0);
                long tick;
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                        "INSERT INTO lizsync.ticks (tick_snapshot) VALUES (pg_current_snapshot()) RETURNING tick_id")) {
                    rs.next();
                    tick = rs.getLong(1);
                }
                String historyId;
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO lizsync.history (server_from, sync_type, sync_status, tick_id, change_count)
                        VALUES (?::uuid, 'full', 'done', ?, ?) RETURNING sync_id::text""")) {
                    ps.setString(1, centralId);
                    ps.setLong(2, tick);
                    ps.setLong(3, 0);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        historyId = rs.getString(1);
                    }
                }

                List<PackageManifest.Table> packaged = new ArrayList<>();
                PackageManifest manifest;
                String archiveSha;
                try (PackageArchiveWriter zip = new PackageArchiveWriter(archive, compressionLevel)) {
                    progress.report("structure", 10, "dumping the structure (pg_dump --section=pre-data)", null, 0);
                    try (OutputStream out = zip.entry(PackageManifest.PRE_DATA)) {
                        if (!bySchema) {
                            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
                            for (String s : schemas) {
                                w.write("CREATE SCHEMA IF NOT EXISTS " + Sql.ident(s) + ";\n");
                            }
                            w.flush();
                        }
                        pgDump(snapshot, "pre-data", bySchema, schemas, tables, out);
                    }
                    CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
                    for (int i = 0; i < shapes.size(); i++) {
                        TableShapes.Shape s = shapes.get(i);
                        TableName t = tables.get(i);
                        int percent = 15 + (int) (70L * i / Math.max(1, shapes.size()));
                        progress.report("data", percent, "copying " + t, t, 0);
                        String entry = PackageManifest.dataEntry(i);
                        long rows;
                        // Rows arrive one message each; they are gathered into 1 MiB buffers and
                        // deflated on another thread while PostgreSQL formats the next ones.
                        try (OutputStream out = new PipelinedOutputStream(zip.entry(entry), 1024 * 1024, 4)) {
                            rows = copy.copyOut("COPY " + s.qualified() + " " + TableShapes.columnList(s.copyColumns())
                                    + " TO STDOUT", new RowWatch(out, rowsSoFar -> {
                                        if (cancelRequested.getAsBoolean()) {
                                            throw new PackageBuildCancelledException();
                                        }
                                        if (rowsSoFar % ROWS_PER_REPORT == 0) {
                                            try {
                                                progress.report("data", percent, "copying " + t, t, rowsSoFar);
                                            } catch (UncheckedIOException e) {
                                                throw e.getCause();
                                            }
                                        }
                                    }));
                        }
                        progress.report("data", percent, "copied " + rows + " row(s) of " + t, t, rows);
                        packaged.add(new PackageManifest.Table(t.schema(), t.table(), s.fingerprint(),
                                s.copyColumns(), rows, entry));
                    }
                    progress.report("structure", 86, "dumping indexes, constraints and triggers (post-data)", null, 0);
                    try (OutputStream out = zip.entry(PackageManifest.POST_DATA)) {
                        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
                        for (String setval : sequenceValues(c, bySchema, schemas, tables)) {
                            w.write(setval);
                        }
                        w.flush();
                        pgDump(snapshot, "post-data", bySchema, schemas, tables, out);
                    }
                    if (!additional.isBlank()) {
                        try (OutputStream out = zip.entry(PackageManifest.ADDITIONAL_SQL)) {
                            out.write(additional.getBytes(StandardCharsets.UTF_8));
                        }
                    }
                    progress.report("archive", 95, "writing and signing the manifest", null, 0);
                    manifest = zip.finish(new PackageManifest(PackageManifest.FORMAT_VERSION, toolsVersion, centralId,
                            packageId, createdAt.toString(), tick, historyId, bySchema ? "schemas" : "tables",
                            List.copyOf(schemas), packaged, extensions, !additional.isBlank(),
                            nz(request.description()), nz(request.requestedBy()), List.of()), signer);
                    archiveSha = zip.archiveSha256();
                }
                c.commit();
                done = true;
                long size = Files.size(archive);
                return new Built(archive, manifest, size, archiveSha);
            } finally {
                if (!done) {
                    try {
                        c.rollback();
                    } catch (SQLException ignored) {
                        // the connection is gone: nothing was committed
                    }
                    // A COPY left in the middle (a cancelled build, a full disk) can leave the
                    // protocol out of step: the connection is dropped, never handed back to a pool.
                    try {
                        c.abort(Runnable::run);
                    } catch (SQLException ignored) {
                        // closed already
                    }
                    Files.deleteIfExists(archive);
                }
            }
        }
    }

    private List<TableName> tablesOfSchemas(Connection c, List<String> requested, List<String> schemas)
            throws SQLException {
        List<TableName> out = new ArrayList<>();
        for (String s : new LinkedHashSet<>(requested)) {
            if (s == null || s.isBlank()) {
                throw new IllegalArgumentException("schemas: an empty schema name");
            }
            if (Sql.isReservedSchema(s)) {
                throw new IllegalArgumentException("schema " + s + " is never packaged (public, lizsync and audit "
                        + "are reserved)");
            }
            if (single(c, "SELECT nspname FROM pg_namespace WHERE nspname = ?", s) == null) {
                throw new IllegalArgumentException("schema " + s + " does not exist in the central database");
            }
            schemas.add(s);
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname""")) {
                ps.setString(1, s);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new TableName(s, rs.getString(1)));
                    }
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("schemas " + schemas + " hold no table to package");
        }
        return out;
    }

    private List<TableName> checkTables(Connection c, List<TableName> requested, List<String> schemas)
            throws SQLException {
        List<TableName> out = new ArrayList<>();
        Set<String> seenSchemas = new LinkedHashSet<>();
        for (TableName t : new LinkedHashSet<>(requested)) {
            if (t.schema() == null || t.schema().isBlank() || t.table() == null || t.table().isBlank()) {
                throw new IllegalArgumentException("tables: a table needs a schema and a name");
            }
            if (Sql.isReservedSchema(t.schema())) {
                throw new IllegalArgumentException("table " + t + " is in a reserved schema (public, lizsync and "
                        + "audit are never packaged)");
            }
            String kind = single(c, "SELECT c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = "
                    + "c.relnamespace WHERE n.nspname = ? AND c.relname = ?", t.schema(), t.table());
            if (kind == null) {
                throw new IllegalArgumentException("table " + t + " does not exist in the central database");
            }
            if (!kind.equals("r")) {
                throw new IllegalArgumentException(t + " is not an ordinary table (relkind " + kind + ")");
            }
            seenSchemas.add(t.schema());
            out.add(t);
        }
        schemas.addAll(seenSchemas);
        return out;
    }

    private static void checkPrepared(Connection c, List<TableName> tables) throws SQLException, PackageRefusedException {
        List<String> problems = new ArrayList<>();
        for (TableName t : tables) {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT (SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
                             WHERE a.attrelid = c.oid AND a.attname = 'uid' AND NOT a.attisdropped),
                           EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND g.tgname = 'lizsync_audit')
                    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = ? AND c.relname = ?""")) {
                ps.setString(1, t.schema());
                ps.setString(2, t.table());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (!"uuid".equals(rs.getString(1))) {
                        problems.add(t + " has no uid uuid column");
                    } else if (!rs.getBoolean(2)) {
                        problems.add(t + " has no audit trigger");
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new PackageRefusedException("tables not prepared (run prepare on their schema first): "
                    + String.join("; ", problems));
        }
    }

    /**
     * pg_dump's structure sections leave sequences at their start; the clone's serial keys must go
     * on from central's values (local keys never collide with the rows of the package).
     */
    private static List<String> sequenceValues(Connection c, boolean bySchema, List<String> schemas,
            List<TableName> tables) throws SQLException {
        List<String> out = new ArrayList<>();
        String sql = bySchema ? """
                SELECT n.nspname, s.relname FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace
                WHERE s.relkind = 'S' AND n.nspname = ANY (?) ORDER BY 1, 2""" : """
                SELECT n.nspname, s.relname FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace
                JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid
                                AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
                WHERE s.relkind = 'S' AND d.refobjid = ANY (?::regclass[]) ORDER BY 1, 2""";
        List<String[]> sequences = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            String[] args = bySchema ? schemas.toArray(new String[0])
                    : tables.stream().map(TableName::qualified).toArray(String[]::new);
            ps.setArray(1, c.createArrayOf("text", args));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sequences.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
        }
        for (String[] seq : sequences) {
            String name = Sql.qualified(seq[0], seq[1]);
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT last_value, is_called FROM " + name)) {
                rs.next();
                out.add("SELECT pg_catalog.setval(" + literal(name) + ", " + rs.getLong(1) + ", " + rs.getBoolean(2)
                        + ");\n");
            }
        }
        return out;
    }

    /** A standard SQL string literal. */
    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /** Extensions that the types of the packaged columns belong to (postgis for geometry...). */
    private static List<String> extensions(Connection c, List<TableName> tables) throws SQLException {
        Set<String> out = new LinkedHashSet<>();
        for (TableName t : tables) {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT DISTINCT e.extname
                    FROM pg_attribute a
                    JOIN pg_type ty ON ty.oid = a.atttypid
                    JOIN pg_depend d ON d.classid = 'pg_type'::regclass AND d.deptype = 'e'
                                    AND d.objid IN (ty.oid, ty.typelem, ty.typbasetype)
                    JOIN pg_extension e ON e.oid = d.refobjid
                    WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped
                    ORDER BY 1""")) {
                ps.setString(1, t.qualified());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    /** Runs pg_dump for one section in the exported snapshot, streaming its SQL into {@code out}. */
    private void pgDump(String snapshot, String section, boolean bySchema, List<String> schemas,
            List<TableName> tables, OutputStream out) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(pgDump.toString(), "--schema-only", "--section=" + section,
                "--snapshot=" + snapshot, "--no-owner", "--no-privileges", "--no-tablespaces",
                "--no-security-labels", "--no-publications", "--no-subscriptions", "--quote-all-identifiers"));
        if (bySchema) {
            for (String s : schemas) {
                cmd.add("--schema=" + Sql.ident(s));
            }
        } else {
            for (TableName t : tables) {
                cmd.add("--table=" + t.dumpPattern());
            }
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(target.environment());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException("cannot run " + pgDump + " (set lizsync.packaging.pg-dump-path): " + e.getMessage(), e);
        }
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        Thread drain = new Thread(() -> {
            try (InputStream err = p.getErrorStream()) {
                byte[] buf = new byte[4096];
                int n;
                while ((n = err.read(buf)) > 0) {
                    synchronized (errors) {
                        if (errors.size() < 16384) {
                            errors.write(buf, 0, n);
                        }
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "pg_dump-stderr");
        drain.setDaemon(true);
        drain.start();
        p.getOutputStream().close();
        // ISO-8859-1 maps bytes one to one: the SQL passes through unchanged but for the \restrict
        // lines of psql's meta-command guard, which are not SQL.
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.ISO_8859_1),
                64 * 1024)) {
            Writer w = new OutputStreamWriter(out, StandardCharsets.ISO_8859_1);
            String line;
            while ((line = r.readLine()) != null) {
                if (!RESTRICT_LINE.matcher(line).matches()) {
                    w.write(line);
                    w.write('\n');
                }
            }
            w.flush();
        }
        int code;
        try {
            code = p.waitFor();
            drain.join(5000);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while pg_dump was running", e);
        }
        if (code != 0) {
            String text;
            synchronized (errors) {
                text = errors.toString(StandardCharsets.UTF_8).strip();
            }
            throw new IOException("pg_dump (" + section + ", " + target + ") failed with exit code " + code + ": " + text);
        }
    }

    /**
     * Between pgjdbc's COPY and the archive: counts the rows (COPY text ends each row with one
     * newline, newlines inside values are escaped) and lets the build stop between two rows. An
     * IOException thrown here makes pgjdbc cancel the COPY and rethrow it.
     */
    private static final class RowWatch extends java.io.FilterOutputStream {

        interface AfterRow {
            void rows(long rowsSoFar) throws IOException;
        }

        private final AfterRow afterRow;
        private long rows;

        RowWatch(OutputStream out, AfterRow afterRow) {
            super(out);
            this.afterRow = afterRow;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            for (int i = off; i < off + len; i++) {
                if (b[i] == '\n') {
                    afterRow.rows(++rows);
                }
            }
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            if (b == '\n') {
                afterRow.rows(++rows);
            }
        }
    }

    private static String single(Connection c, String sql, String... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
