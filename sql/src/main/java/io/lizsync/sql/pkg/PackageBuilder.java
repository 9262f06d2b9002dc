package io.lizsync.sql.pkg;

import io.lizsync.sql.Sql;
import java.io.IOException;
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
import java.util.List;
import java.util.UUID;
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

    private final DataSource dataSource;
    private final LibpqTarget target;
    private final PgDump pgDump;
    private final int compressionLevel;
    private final PackageSignature.Signer signer;

    public PackageBuilder(DataSource dataSource, LibpqTarget target, Path pgDump, int compressionLevel,
            PackageSignature.Signer signer) {
        this.dataSource = dataSource;
        this.target = target;
        this.pgDump = new PgDump(pgDump, target);
        this.compressionLevel = compressionLevel;
        this.signer = java.util.Objects.requireNonNull(signer, "signer");
    }

    /** pg_dump: the configured path, else the newest under /usr/lib/postgresql, else the PATH. */
    public static Path findPgDump(String configured) {
        return PgDump.find(configured);
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
                PackageCatalog.Checked checked = PackageCatalog.check(c, request, bySchema);
                return new Plan(checked.tables(), PackageCatalog.estimatedRows(c, checked.tables()));
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
        PgDump.Structure structure = null;
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
                // pg_dump's arguments are the request's names, deduplicated as the check reads them:
                // the structure dump starts now, in the exported snapshot, while the check, the shapes,
                // the tick and the history item are read and written (pg_dump is the build's longest
                // step at small sizes). A refused check stops it (close kills it, deletes the files).
                List<String> dumpSchemas = bySchema ? distinct(request.schemas()) : List.of();
                List<TableName> dumpTables = bySchema ? List.of() : distinct(request.tables());
                if (plainNames(dumpSchemas, dumpTables)) {
                    structure = pgDump.start(snapshot, bySchema, dumpSchemas, dumpTables, archive);
                }
                PackageCatalog.Checked checked = PackageCatalog.check(c, request, bySchema);
                String toolsVersion = checked.toolsVersion();
                String centralId = checked.centralId();
                List<String> schemas = checked.schemas();
                List<TableName> tables = checked.tables();
                List<TableShapes.Shape> shapes = new ArrayList<>();
                for (TableName t : tables) {
                    shapes.add(TableShapes.shape(c, t.schema(), t.table()));
                }
                List<String> extensions = PackageCatalog.extensions(c, tables);

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
                // Both structure sections are dumped by pg_dump beside the data COPY, in the same
                // exported snapshot (it lives until this transaction ends): their entries follow
                // the data in the archive (the deploy reads entries by name, in its own order).
                progress.report("structure", 8, "dumping the structure beside the data (pg_dump pre-data, post-data)",
                        null, 0);
                if (structure == null) {
                    structure = pgDump.start(snapshot, bySchema, schemas, tables, archive);
                } else if (bySchema ? !schemas.equals(dumpSchemas) : !tables.equals(dumpTables)) {
                    throw new IllegalStateException("the checked " + (bySchema ? "schemas " + schemas : "tables "
                            + tables) + " are not those given to pg_dump");
                }
                try (PackageArchiveWriter zip = new PackageArchiveWriter(archive, compressionLevel)) {
                    CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
                    for (int i = 0; i < shapes.size(); i++) {
                        TableShapes.Shape s = shapes.get(i);
                        TableName t = tables.get(i);
                        int percent = 10 + (int) (75L * i / Math.max(1, shapes.size()));
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
                    progress.report("structure", 86, "writing the structure, indexes, constraints and triggers", null, 0);
                    try (OutputStream out = zip.entry(PackageManifest.PRE_DATA)) {
                        if (!bySchema) {
                            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
                            for (String s : schemas) {
                                w.write("CREATE SCHEMA IF NOT EXISTS " + Sql.ident(s) + ";\n");
                            }
                            w.flush();
                        }
                        structure.copyTo(PgDump.PRE_DATA, out);
                    }
                    try (OutputStream out = zip.entry(PackageManifest.POST_DATA)) {
                        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
                        for (String setval : PackageCatalog.sequenceValues(c, bySchema, schemas, tables)) {
                            w.write(setval);
                        }
                        w.flush();
                        structure.copyTo(PgDump.POST_DATA, out);
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
                closeQuietly(structure);
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

    private static <T> List<T> distinct(List<T> names) {
        return new ArrayList<>(new java.util.LinkedHashSet<>(names));
    }

    /** Names pg_dump may be started with before the check: none missing, blank or reserved. */
    private static boolean plainNames(List<String> schemas, List<TableName> tables) {
        return schemas.stream().allMatch(PackageBuilder::plainSchema) && tables.stream()
                .allMatch(t -> t != null && plainSchema(t.schema()) && t.table() != null && !t.table().isBlank());
    }

    private static boolean plainSchema(String s) {
        return s != null && !s.isBlank() && !Sql.isReservedSchema(s);
    }

    private static void closeQuietly(PgDump.Structure section) {
        if (section != null) {
            try {
                section.close();
            } catch (IOException ignored) {
                // a scratch file left behind is removed by the start-up sweep
            }
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
