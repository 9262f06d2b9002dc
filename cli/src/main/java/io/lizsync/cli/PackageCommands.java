package io.lizsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The seed's "Create a package from the central database", and the packages' list, show, download, delete. */
final class PackageCommands {

    static final String PACKAGES = "/api/v1/packages";
    /** Largest additional SQL file (the gateway's and packaging.proto's limit: 1 MiB). */
    static final long MAX_ADDITIONAL_SQL_BYTES = 1L << 20;

    private PackageCommands() {
    }

    /** What to package: whole schemas or a table list, exactly one. */
    static final class What {
        @Option(names = "--schemas", required = true, paramLabel = "a,b", description = "whole schemas, comma separated")
        String schemas;
        @Option(names = "--tables", required = true, paramLabel = "s.t1,s.t2",
                description = "tables, comma separated; double-quote a name holding a dot or a comma")
        String tables;
    }

    @Command(name = "package", mixinStandardHelpOptions = true,
            description = "Build a package from central (one snapshot): a job at the gateway, followed with a progress"
                    + " bar on stderr; prints the package's id, tables, size and SHA-256, and with --zip-file"
                    + " downloads it.")
    static final class Build extends GatewayCommand {
        @ArgGroup(exclusive = true, multiplicity = "1")
        What what;
        @Option(names = "--additional-sql-file", paramLabel = "FILE",
                description = "SQL run on the clone after the deploy (UTF-8, at most 1 MiB)")
        String additionalSqlFile;
        @Option(names = "--description", paramLabel = "TEXT")
        String description;
        @Option(names = "--zip-file", paramLabel = "OUT.zip", description = "then download the package there")
        String zipFile;
        @Option(names = "--no-wait", description = "print the build job's id and return at once (follow it with job-follow)")
        boolean noWait;

        @Override
        public Integer call() throws IOException {
            Map<String, Object> body = new LinkedHashMap<>();
            if (what.schemas != null) {
                body.put("schemas", NameList.names("schemas", what.schemas));
            } else {
                body.put("tables", NameList.tables("tables", what.tables).stream()
                        .map(t -> Map.of("schema", t.schema(), "table", t.table())).toList());
            }
            if (additionalSqlFile != null) {
                body.put("additionalSql", readAdditionalSql(additionalSqlFile));
            }
            if (description != null) {
                body.put("description", description);
            }
            Path target = null;
            if (zipFile != null) {
                target = ArchiveDownload.checkTarget(zipFile);
                if (Files.exists(ArchiveDownload.partOf(target))) {
                    // it cannot belong to the package about to be built
                    throw new UsageException(ArchiveDownload.partOf(target) + " exists (an unfinished download?);"
                            + " finish it with package-download --package-id ID --zip-file " + target + ", or remove it");
                }
            }
            GatewayClient gw = gw();
            JsonNode job = gw.post(PACKAGES, body, GatewayClient.SHORT);
            Output o = out();
            var followed = JobCommands.follow(ctx(), o, gw, job, noWait, "build job " + Output.text(job, "id"));
            JsonNode done = followed.done();
            if (done == null) {
                return followed.exit();
            }
            JsonNode p = gw.get(PACKAGES + "/" + Ids.packageOfResult(Output.text(done, "result")));
            if (o.json()) {
                o.document(p);
            } else {
                String id = Output.text(p, "id");
                o.line("OK: package " + id + " built");
                o.line("package id: " + id);
                printTables(o, p, false);
                o.line("size: " + Output.size(p.path("sizeBytes").asLong()));
                o.line("sha256: " + Output.text(p, "sha256"));
            }
            if (target != null) {
                download(ctx(), gw, p, target);
                o.line("saved to: " + target);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "package-list", mixinStandardHelpOptions = true, description = "Packages, newest first.")
    static final class ListPackages extends GatewayCommand {
        @Option(names = {"--limit", "--page-size"}, paramLabel = "N",
                description = "only the newest N (1 to 500); default: every package")
        Integer limit;

        @Override
        public Integer call() throws IOException {
            if (limit != null && (limit < 1 || limit > 500)) {
                throw new UsageException("--limit must be 1 to 500");
            }
            GatewayClient gw = gw();
            Output o = out();
            List<JsonNode> all = Pages.collect(gw, PACKAGES, limit, ctx().err, "packages");
            if (o.json()) {
                o.document(ctx().json.valueToTree(Map.of("items", all)));
                return ExitCodes.OK;
            }
            o.printf("%-36s  %-20s  %-7s  %6s  %10s  %s%n", "id", "created at", "tools", "tables", "size", "description");
            for (JsonNode p : all) {
                o.printf("%-36s  %-20s  %-7s  %6d  %10s  %s%n", Output.text(p, "id"),
                        Output.text(p, "createdAt").replaceFirst("\\.\\d+Z$", "Z"), Output.text(p, "toolsVersion"),
                        p.path("tables").size(), Output.shortSize(p.path("sizeBytes").asLong()),
                        Output.text(p, "description"));
            }
            ctx().err.println(all.size() + (all.size() == 1 ? " package" : " packages"));
            return ExitCodes.OK;
        }
    }

    @Command(name = "package-show", mixinStandardHelpOptions = true, description = "One package's metadata and tables.")
    static final class Show extends GatewayCommand {
        @Option(names = "--package-id", required = true, paramLabel = "ID")
        String packageId;

        @Override
        public Integer call() throws IOException {
            JsonNode p = gw().get(PACKAGES + "/" + Ids.uuid("--package-id", packageId, "a package id"));
            Output o = out();
            if (o.json()) {
                o.document(p);
                return ExitCodes.OK;
            }
            for (String f : List.of("id", "formatVersion", "toolsVersion", "centralServerId", "createdAt",
                    "historySyncId", "sha256", "description", "requestedBy")) {
                o.line(f + ": " + Output.text(p, f));
            }
            o.line("size: " + Output.size(p.path("sizeBytes").asLong()));
            o.line("additional sql: " + (p.path("hasAdditionalSql").asBoolean() ? "yes" : "no"));
            printTables(o, p, true);
            return ExitCodes.OK;
        }
    }

    @Command(name = "package-download", mixinStandardHelpOptions = true,
            description = "Download a package to OUT.zip.part, resuming it (HTTP Range) when run again; checks its"
                    + " size and SHA-256 (the archive's ETag), then renames it to OUT.zip.")
    static final class Download extends GatewayCommand {
        @Option(names = "--package-id", required = true, paramLabel = "ID")
        String packageId;
        @Option(names = "--zip-file", required = true, paramLabel = "OUT.zip")
        String zipFile;

        @Override
        public Integer call() throws IOException {
            String id = Ids.uuid("--package-id", packageId, "a package id");
            Path target = ArchiveDownload.checkTarget(zipFile);
            GatewayClient gw = gw();
            JsonNode p = gw.get(PACKAGES + "/" + id);
            download(ctx(), gw, p, target);
            Output o = out();
            if (o.json()) {
                o.document(ctx().json.valueToTree(Map.of("package", p, "zipFile", target.toString())));
            } else {
                o.line("OK: package " + id + " saved to " + target + " (" + Output.size(p.path("sizeBytes").asLong())
                        + ", sha256 " + Output.text(p, "sha256") + ")");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "package-delete", mixinStandardHelpOptions = true,
            description = "Delete a package's archive and metadata (its deployment records stay).")
    static final class Delete extends GatewayCommand {
        @Option(names = "--package-id", required = true, paramLabel = "ID")
        String packageId;

        @Override
        public Integer call() throws IOException {
            JsonNode r = gw().delete(PACKAGES + "/" + Ids.uuid("--package-id", packageId, "a package id"));
            Output o = out();
            if (o.json()) {
                o.document(r);
            } else {
                o.line("OK: package " + Output.text(r, "id") + " deleted (" + Output.size(r.path("freedBytes").asLong())
                        + " freed)");
            }
            return ExitCodes.OK;
        }
    }

    static void printTables(Output o, JsonNode p, boolean fingerprints) {
        o.line("tables: " + p.path("tables").size());
        for (JsonNode t : p.path("tables")) {
            o.printf("  %-40s %12d rows%s%n", NameList.format(t.path("schema").asText(), t.path("table").asText()),
                    t.path("rowCount").asLong(),
                    fingerprints ? "  structure " + Output.text(t, "structureFingerprint") : "");
        }
    }

    /** The archive of package {@code p} into {@code target}, resumed from its .part. */
    static void download(CliContext ctx, GatewayClient gw, JsonNode p, Path target) throws IOException {
        String id = Output.text(p, "id");
        try {
            ArchiveDownload.run(target, p.path("sizeBytes").asLong(), Output.text(p, "sha256"), offset -> {
                HttpResponse<InputStream> r = gw.open(PACKAGES + "/" + id + "/archive",
                        offset > 0 ? Map.of("Range", "bytes=" + offset + "-") : Map.of());
                return new ArchiveDownload.Stream(r.statusCode(), r.headers().firstValue("ETag").orElse(null),
                        r.headers().firstValue("Content-Range").orElse(null), r.body());
            }, ctx.err);
        } catch (CliFailure | Unreachable e) {
            Path part = ArchiveDownload.partOf(target);
            if (Files.exists(part)) {
                ctx.err.println("lizsync: " + Files.size(part) + " bytes kept in " + part + "; resume with: lizsync"
                        + " package-download --package-id " + id + " --zip-file " + target);
            }
            throw e;
        }
    }

    /** Reads the additional SQL file as UTF-8 (a leading byte order mark dropped), at most 1 MiB. */
    static String readAdditionalSql(String file) throws IOException {
        if (file.isBlank()) {
            throw new UsageException("--additional-sql-file needs a file name");
        }
        Path path = Path.of(file);
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new UsageException("--additional-sql-file: " + path + " is not a readable file");
        }
        long size = Files.size(path);
        if (size > MAX_ADDITIONAL_SQL_BYTES) {
            throw new UsageException("--additional-sql-file: " + path + " holds " + size
                    + " bytes, more than the 1 MiB (" + MAX_ADDITIONAL_SQL_BYTES + " bytes) a package may carry");
        }
        byte[] bytes = Files.readAllBytes(path);
        if (bytes.length > MAX_ADDITIONAL_SQL_BYTES) {
            throw new UsageException("--additional-sql-file: " + path + " is larger than 1 MiB");
        }
        String sql;
        try {
            sql = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new UsageException("--additional-sql-file: " + path + " is not UTF-8 text");
        }
        return sql.startsWith("\uFEFF") ? sql.substring(1) : sql;
    }
}
