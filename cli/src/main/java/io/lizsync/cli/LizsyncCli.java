package io.lizsync.cli;

import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lizsync.proto.packaging.v1.BuildPackageEvent;
import io.lizsync.proto.packaging.v1.BuildPackageRequest;
import io.lizsync.proto.packaging.v1.BuildProgress;
import io.lizsync.proto.packaging.v1.DeletePackageRequest;
import io.lizsync.proto.packaging.v1.DeletePackageResponse;
import io.lizsync.proto.packaging.v1.DownloadPackageRequest;
import io.lizsync.proto.packaging.v1.GetPackageRequest;
import io.lizsync.proto.packaging.v1.ListPackagesRequest;
import io.lizsync.proto.packaging.v1.ListPackagesResponse;
import io.lizsync.proto.packaging.v1.PackageInfo;
import io.lizsync.proto.packaging.v1.PackagedTable;
import io.lizsync.proto.packaging.v1.PackagingServiceGrpc;
import io.lizsync.proto.packaging.v1.TableRef;
import io.lizsync.proto.sync.v1.CentralAdminGrpc;
import io.lizsync.proto.sync.v1.CloneAgentGrpc;
import io.lizsync.proto.sync.v1.DeployProgress;
import io.lizsync.proto.sync.v1.DeployRequest;
import io.lizsync.proto.sync.v1.GetCloneStatusRequest;
import io.lizsync.proto.sync.v1.GetToolsStatusRequest;
import io.lizsync.proto.sync.v1.InstallRequest;
import io.lizsync.proto.sync.v1.OperationResult;
import io.lizsync.proto.sync.v1.PrepareRequest;
import io.lizsync.proto.sync.v1.PrepareResponse;
import io.lizsync.proto.sync.v1.SynchronizeRequest;
import io.lizsync.proto.sync.v1.UpgradeRequest;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@code lizsync <command> [options]}: the LizSync processing algorithms from a shell.
 * Exit codes: 0 done, 1 refused by the service (status 0), 2 wrong command line, 3 service
 * unreachable, 4 any other error.
 */
@QuarkusMain
public class LizsyncCli implements QuarkusApplication {

    static final int OK = 0;
    static final int REFUSED = 1;
    static final int USAGE = 2;
    static final int UNAVAILABLE = 3;
    static final int FAILED = 4;

    /** Largest additional SQL file (packaging.proto: at most 1 MiB). */
    static final long MAX_ADDITIONAL_SQL_BYTES = 1L << 20;
    /** Builds, downloads and deploys copy whole databases: they may take hours. */
    private static final long LONG_HOURS = 6;
    /** Metadata calls (listing, showing, deleting). */
    private static final long SHORT_SECONDS = 30;
    /** Chunk size asked of DownloadPackage (the service caps it at its max-chunk-bytes, 1 MiB by default). */
    private static final int CHUNK_SIZE = 1 << 20;
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private static final Set<String> FLAGS = Set.of("override-audit", "override-lizsync", "runit", "run-it",
            "add-server-id", "add-uid-columns", "add-audit-triggers", "help", "force", "new-server-id");

    static final String USAGE_TEXT = """
            Usage: lizsync <command> [options]

            Who you are (registry-service, --registry HOST:PORT or $LIZSYNC_REGISTRY, default 127.0.0.1:8081):
              login --user LOGIN [--password-file FILE]
                                             open a session (password: the file's first line, else one line
                                             on standard input); kept in ~/.config/lizsync/session (0600)
              logout                         end it
              Every other command sends an access token: $LIZSYNC_ACCESS_TOKEN, else one for
              $LIZSYNC_API_TOKEN, else one for the session of lizsync login.

            Commands (central sync-service, --central HOST:PORT or $LIZSYNC_CENTRAL, default 127.0.0.1:8083):
              status                         tools version, pending upgrades, server id
              install [--override-audit] [--override-lizsync] [--target-version V]
                                             install the audit and lizsync schemas in the central database
              upgrade [--runit]              apply every newer tools version (nothing without --runit)
              prepare --schemas a,b [--add-server-id=false] [--add-uid-columns=false] [--add-audit-triggers=false]
                                             add server id, uid columns and audit triggers (all on by default)

            Packages (packaging-service, --packaging HOST:PORT or $LIZSYNC_PACKAGING, default 127.0.0.1:8082):
              package (--schemas a,b | --tables s.t1,s.t2) [--additional-sql-file FILE] [--description TEXT]
                      [--zip-file OUT.zip]   build a package from the central database (then download it)
              package-list [--page-size N]   every package, newest first (only the first N with --page-size)
              package-show --package-id ID   one package's metadata and tables
              package-download --package-id ID --zip-file OUT.zip
                                             download a package (resumes an interrupted OUT.zip.part)
              package-delete --package-id ID delete a package's archive and metadata

            Clones (clone sidecar: --sidecar HOST:PORT or $LIZSYNC_SIDECAR, default 127.0.0.1:8090):
              deploy (--package-id ID | --zip-file PATH) [--name CLONE_NAME] [--force] [--new-server-id]
                     [--registration-ticket-file FILE]
                                             deploy a package to the clone database (PATH: a file on the
                                             clone's machine, read by the sidecar); the sidecar then registers
                                             the clone at central with a single-use ticket that this command
                                             asks registry-service for (the package's tables; a redeploy keeps
                                             the clone's id and registry name, a new clone needs --name), or
                                             with the ticket in FILE (its first line)
              join-clone --name N --tables s.t1,s.t2
                                             attach the sidecar's database, whose tables already hold central's
                                             data, with a ticket from registry-service (the sidecar makes the
                                             clone's id and registers it at central)
              synchronize                    run a two-way sync now (same as SELECT * FROM lizsync.synchronize())
              clone-status                   the clone's id, central, tools version, package, unsynced edits
              On the clone's machine, without a registry: --sidecar-token-file FILE (or
              $LIZSYNC_SIDECAR_TOKEN_FILE) sends the sidecar's local token instead (its state directory's
              local-token, readable by the sidecar's user only) for deploy, synchronize and clone-status.
              Such a deploy registers the clone only with --registration-ticket-file: without a ticket the
              clone cannot sync until it is deployed again with one.

            Clone registration (registry-service owns the clones; the sidecar redeems the ticket at central
            itself, so the clone's credential never passes through this command):
              registration-ticket --name N (--package-id ID | --tables s.t1,s.t2) [--clone-id UUID]
                                  [--valid-for-hours H]
                                             a single-use ticket for a clone (--clone-id: redeploy that clone),
                                             alone on stdout (> FILE), its expiry on stderr; carry FILE to a
                                             clone without network: deploy ... --registration-ticket-file FILE
                                             (H: 1 to 720, default 24)
              revoke-clone --clone-id UUID   revoke every exchange credential of a clone (its next sync is refused)

            Names: comma separated; double-quote a name holding a dot, a comma or blanks at its ends,
            doubling any quote in it: --tables 'field.trees,"my.schema"."tab,le"'.
            Addresses: the option, else the environment variable, else --config FILE ($LIZSYNC_CONFIG,
            default ~/.config/lizsync/cli.conf: lines "central = HOST:PORT", "sidecar = ...",
            "packaging = ...", "registry = ..."), else the default. No command takes a password or a
            ticket on its command line.

            Links: TLS to every service beyond loopback, verified against $LIZSYNC_CA_FILE (the CA of the
            mesh's certificates) or the system's trust store; with $LIZSYNC_CA_FILE, TLS on loopback too.

            Exit codes: 0 done, 1 refused, 2 wrong command line, 3 service unreachable, 4 other error.
            """;

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private final Path home;
    private CliConfig config;
    private Login login;

    public LizsyncCli() {
        this(System.out, System.err, System.getenv(), Path.of(System.getProperty("user.home", ".")));
    }

    /** For tests: explicit streams, environment and home directory. */
    LizsyncCli(PrintStream out, PrintStream err, Map<String, String> env, Path home) {
        this.out = out;
        this.err = err;
        this.env = env;
        this.home = home;
    }

    @Override
    public int run(String... argv) {
        if (argv.length == 0 || Arrays.asList(argv).contains("--help") || argv[0].equals("help")) {
            out.print(USAGE_TEXT);
            return argv.length == 0 ? USAGE : OK;
        }
        Args args;
        try {
            args = Args.parse(argv, FLAGS);
            return dispatch(args);
        } catch (Args.UsageException e) {
            err.println("lizsync: " + e.getMessage());
            err.println("Run 'lizsync help' for the commands and options.");
            return USAGE;
        } catch (StatusRuntimeException e) {
            Status.Code code = e.getStatus().getCode();
            String description = e.getStatus().getDescription();
            err.println("lizsync: " + code + (description == null ? "" : ": " + description));
            if (code == Status.Code.UNAUTHENTICATED) {
                err.println("lizsync: log in first (lizsync login --user LOGIN), or set LIZSYNC_API_TOKEN");
            }
            return switch (code) {
                case PERMISSION_DENIED -> REFUSED;
                case UNAVAILABLE, DEADLINE_EXCEEDED -> UNAVAILABLE;
                case INVALID_ARGUMENT -> USAGE;
                case FAILED_PRECONDITION -> REFUSED;
                default -> FAILED;
            };
        } catch (PackageDownload.CliFailure e) {
            err.println("lizsync: " + e.getMessage());
            return FAILED;
        } catch (IOException | UncheckedIOException e) {
            err.println("lizsync: " + e.getMessage());
            return FAILED;
        }
    }

    /** Options each command accepts (plus --config); anything else is refused before a call is made. */
    private static final Map<String, Set<String>> OPTIONS = Map.ofEntries(
            Map.entry("login", Set.of("registry", "user", "password-file")),
            Map.entry("logout", Set.of()),
            Map.entry("status", Set.of("central")),
            Map.entry("install", Set.of("central", "override-audit", "override-lizsync", "target-version")),
            Map.entry("upgrade", Set.of("central", "runit", "run-it")),
            Map.entry("prepare", Set.of("central", "schemas", "add-server-id", "add-uid-columns",
                    "add-audit-triggers", "server-name")),
            Map.entry("package", Set.of("packaging", "schemas", "tables", "additional-sql-file", "description",
                    "zip-file")),
            Map.entry("package-list", Set.of("packaging", "page-size")),
            Map.entry("package-show", Set.of("packaging", "package-id")),
            Map.entry("package-download", Set.of("packaging", "package-id", "zip-file")),
            Map.entry("package-delete", Set.of("packaging", "package-id")),
            Map.entry("deploy", Set.of("sidecar", "sidecar-token-file", "package-id", "zip-file", "force",
                    "new-server-id", "name", "registration-ticket-file", "registry", "packaging")),
            Map.entry("registration-ticket", Set.of("registry", "packaging", "name", "package-id", "tables",
                    "clone-id", "valid-for-hours")),
            Map.entry("join-clone", Set.of("registry", "sidecar", "name", "tables")),
            Map.entry("revoke-clone", Set.of("registry", "clone-id")),
            Map.entry("synchronize", Set.of("sidecar", "sidecar-token-file")),
            Map.entry("clone-status", Set.of("sidecar", "sidecar-token-file")));

    private int dispatch(Args args) throws IOException {
        Set<String> allowed = OPTIONS.get(args.command);
        if (allowed == null) {
            throw new Args.UsageException("unknown command '" + args.command + "'");
        }
        Set<String> withConfig = new HashSet<>(allowed);
        withConfig.add("config");
        args.checkOnly(withConfig);
        return switch (args.command) {
            case "login" -> {
                String user = args.option("user", "");
                if (user.isBlank()) {
                    throw new Args.UsageException("login needs --user LOGIN (the password: --password-file FILE or stdin)");
                }
                var session = login().login(address(args, "registry"), user, args.option("password-file"), System.in);
                out.println("OK: logged in as " + session.login() + " (" + String.join(", ", session.roles())
                        + "), session until " + session.until());
                yield OK;
            }
            case "logout" -> {
                out.println(login().logout() ? "OK: logged out" : "OK: no session was open");
                yield OK;
            }
            case "status" -> withCentral(args, ch -> {
                var s = CentralAdminGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS)
                        .getToolsStatus(GetToolsStatusRequest.getDefaultInstance());
                out.printf("role: %s%ninstalled: %s%ninstalled version: %s%nlatest version: %s%npending: %s%n"
                        + "server id: %s%nserver name: %s%n", s.getRole(), s.getInstalled(), s.getInstalledVersion(),
                        s.getLatestVersion(), s.getPendingVersionsList(), s.getServerId(), s.getServerName());
                return OK;
            });
            case "install" -> withCentral(args, ch -> report(CentralAdminGrpc.newBlockingStub(ch)
                    .withDeadlineAfter(10, TimeUnit.MINUTES)
                    .install(InstallRequest.newBuilder()
                            .setOverrideAudit(args.flag("override-audit"))
                            .setOverrideLizsync(args.flag("override-lizsync"))
                            .setTargetVersion(args.option("target-version", ""))
                            .build())));
            case "upgrade" -> withCentral(args, ch -> report(CentralAdminGrpc.newBlockingStub(ch)
                    .withDeadlineAfter(30, TimeUnit.MINUTES)
                    .upgrade(UpgradeRequest.newBuilder().setRunIt(args.flag("runit") || args.flag("run-it")).build())));
            case "prepare" -> prepare(args);
            case "package" -> buildPackage(args);
            case "package-list" -> listPackages(args);
            case "package-show" -> showPackage(args);
            case "package-download" -> downloadPackage(args);
            case "package-delete" -> deletePackage(args);
            case "deploy" -> deploy(args);
            case "registration-ticket" -> registration().printTicket(args);
            case "join-clone" -> registration().joinClone(args);
            case "revoke-clone" -> registration().revoke(args);
            case "synchronize" -> withSidecar(args, ch -> {
                var r = CloneAgentGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.MINUTES)
                        .synchronize(SynchronizeRequest.getDefaultInstance());
                out.printf("number_replayed_to_central: %d%nnumber_replayed_to_clone: %d%nnumber_conflicts: %d%n"
                        + "duration: %d ms%n", r.getNumberReplayedToCentral(), r.getNumberReplayedToClone(),
                        r.getNumberConflicts(), r.getDurationMs());
                return r.getStatus() == 1 ? OK : REFUSED;
            });
            case "clone-status" -> withSidecar(args, ch -> {
                var s = CloneAgentGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS)
                        .getCloneStatus(GetCloneStatusRequest.getDefaultInstance());
                out.printf("clone id: %s%ncentral id: %s%ntools version: %s%npackage id: %s%nregistered: %s%n"
                        + "unsynced edits: %d%nlast sync: %s%n", s.getCloneId(), s.getCentralId(),
                        s.getToolsVersion(), s.getPackageId(), s.getRegistered(), s.getUnsyncedEdits(),
                        s.hasLastSync() ? time(s.getLastSync()) : "never");
                return OK;
            });
            default -> throw new Args.UsageException("unknown command '" + args.command + "'");
        };
    }

    private int prepare(Args args) throws IOException {
        String schemas = args.option("schemas", "");
        if (schemas.isBlank()) {
            throw new Args.UsageException("prepare needs --schemas (comma separated)");
        }
        var request = PrepareRequest.newBuilder()
                .setAddServerId(args.flag("add-server-id", true))
                .setAddUidColumns(args.flag("add-uid-columns", true))
                .setAddAuditTriggers(args.flag("add-audit-triggers", true))
                .setServerName(args.option("server-name", ""));
        Arrays.stream(schemas.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .forEach(request::addSchemas);
        return withCentral(args, ch -> {
            PrepareResponse r = CentralAdminGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.MINUTES)
                    .prepare(request.build());
            for (var t : r.getTablesList()) {
                out.printf("  %-40s %-17s%s%s%s%n", t.getSchemaName() + "." + t.getTableName(),
                        t.getOutcome().name().replace("PREPARE_OUTCOME_", ""),
                        t.getUidColumnAdded() ? " uid added (" + t.getUidValuesFilled() + " rows filled)" : "",
                        t.getAuditTriggerAdded() ? " audit trigger added" : "",
                        t.getRefusalReason().isEmpty() ? "" : " " + t.getRefusalReason());
            }
            for (var s : r.getRefusedSchemasList()) {
                out.printf("  schema %-33s REFUSED %s%n", s.getSchemaName(), s.getReason());
            }
            out.println((r.getStatus() == 1 ? "OK: " : "REFUSED: ") + r.getMessage());
            return r.getStatus() == 1 ? OK : REFUSED;
        });
    }

    // ----------------------------------------------------------------------------------------
    // Packages (seed: "Create a package from the central database").
    // ----------------------------------------------------------------------------------------

    private int buildPackage(Args args) throws IOException {
        boolean bySchemas = args.has("schemas");
        boolean byTables = args.has("tables");
        if (bySchemas == byTables) {
            throw new Args.UsageException("package needs either --schemas a,b or --tables s.t1,s.t2"
                    + (bySchemas ? ", not both" : ""));
        }
        var request = BuildPackageRequest.newBuilder()
                .setDescription(args.option("description", ""))
                .setRequestedBy(osUser());
        if (bySchemas) {
            request.addAllSchemas(NameList.names("schemas", args.option("schemas")));
        } else {
            for (NameList.Table t : NameList.tables("tables", args.option("tables"))) {
                request.addTables(TableRef.newBuilder().setSchemaName(t.schema()).setTableName(t.table()));
            }
        }
        if (args.option("additional-sql-file") != null) {
            request.setAdditionalSql(readAdditionalSql(args.option("additional-sql-file")));
        }
        Path target = null;
        if (args.option("zip-file") != null) {
            target = PackageDownload.checkTarget(args.option("zip-file"));
            Path part = PackageDownload.partOf(target);
            if (Files.exists(part)) {
                // It cannot belong to the package about to be built.
                throw new Args.UsageException(part + " exists (an unfinished download?); finish it with"
                        + " package-download --package-id ID --zip-file " + target + ", or remove it");
            }
        }
        Path zip = target;
        return withPackaging(args, ch -> {
            Iterator<BuildPackageEvent> events = PackagingServiceGrpc.newBlockingStub(ch)
                    .withDeadlineAfter(LONG_HOURS, TimeUnit.HOURS).buildPackage(request.build());
            PackageInfo info = null;
            while (events.hasNext()) {
                BuildPackageEvent event = events.next();
                switch (event.getEventCase()) {
                    case PROGRESS -> err.println(progressLine(event.getProgress()));
                    case PACKAGE -> info = event.getPackage();
                    default -> {
                        // an event kind newer than this client: nothing to show
                    }
                }
            }
            if (info == null) {
                throw new PackageDownload.CliFailure("the build ended without a package");
            }
            out.println("OK: package " + info.getPackageId() + " built");
            out.println("package id: " + info.getPackageId());
            printTables(info.getTablesList(), false);
            out.println("size: " + size(info.getSizeBytes()));
            out.println("sha256: " + info.getSha256());
            if (zip != null) {
                download(ch, info, zip);
                out.println("saved to: " + zip);
            }
            return OK;
        });
    }

    /** One stderr line per build event: percent, step, message, table and rows when present. */
    static String progressLine(BuildProgress p) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "[%3d%%] %-14s", p.getPercent(),
                p.getStep().name().replace("BUILD_STEP_", "")));
        if (!p.getMessage().isEmpty()) {
            line.append(' ').append(p.getMessage());
        }
        if (p.hasTable()) {
            line.append(' ').append(NameList.format(p.getTable().getSchemaName(), p.getTable().getTableName()));
        }
        if (p.hasTable() || p.getRowsDone() > 0) {
            line.append(" (").append(p.getRowsDone()).append(" rows)");
        }
        return line.toString();
    }

    /** Reads the additional SQL file as UTF-8 (a leading byte order mark dropped), at most 1 MiB. */
    static String readAdditionalSql(String file) throws IOException {
        if (file.isBlank()) {
            throw new Args.UsageException("--additional-sql-file needs a file name");
        }
        Path path = Path.of(file);
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new Args.UsageException("--additional-sql-file: " + path + " is not a readable file");
        }
        long size = Files.size(path);
        if (size > MAX_ADDITIONAL_SQL_BYTES) {
            throw new Args.UsageException("--additional-sql-file: " + path + " holds " + size
                    + " bytes, more than the 1 MiB (" + MAX_ADDITIONAL_SQL_BYTES + " bytes) a package may carry");
        }
        byte[] bytes = Files.readAllBytes(path);
        if (bytes.length > MAX_ADDITIONAL_SQL_BYTES) { // it grew since Files.size
            throw new Args.UsageException("--additional-sql-file: " + path + " is larger than 1 MiB");
        }
        String sql;
        try {
            sql = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new Args.UsageException("--additional-sql-file: " + path + " is not UTF-8 text");
        }
        return sql.startsWith("\uFEFF") ? sql.substring(1) : sql;
    }

    private int listPackages(Args args) throws IOException {
        boolean onePage = args.option("page-size") != null;
        int pageSize = args.intOption("page-size", 0, 1, 500);
        return withPackaging(args, ch -> {
            var stub = PackagingServiceGrpc.newBlockingStub(ch);
            String token = "";
            Set<String> seenTokens = new HashSet<>();
            int count = 0;
            while (true) {
                ListPackagesResponse page = stub.withDeadlineAfter(SHORT_SECONDS, TimeUnit.SECONDS)
                        .listPackages(ListPackagesRequest.newBuilder().setPageSize(pageSize).setPageToken(token)
                                .build());
                if (seenTokens.isEmpty() && token.isEmpty()) {
                    out.printf("%-36s  %-20s  %-7s  %6s  %10s  %s%n", "id", "created at", "tools", "tables", "size",
                            "description");
                }
                for (PackageInfo p : page.getPackagesList()) {
                    out.printf("%-36s  %-20s  %-7s  %6d  %10s  %s%n", p.getPackageId(),
                            p.hasCreatedAt() ? time(p.getCreatedAt()).replaceFirst("\\.\\d+Z$", "Z") : "",
                            p.getToolsVersion(), p.getTablesCount(), shortSize(p.getSizeBytes()),
                            oneLine(p.getDescription()));
                    count++;
                }
                token = page.getNextPageToken();
                if (token.isEmpty()) {
                    break;
                }
                if (onePage) {
                    err.println("(more packages: run without --page-size to list them all)");
                    break;
                }
                if (!seenTokens.add(token)) {
                    throw new PackageDownload.CliFailure("the service sent the same page token twice");
                }
            }
            err.println(count + (count == 1 ? " package" : " packages"));
            return OK;
        });
    }

    private int showPackage(Args args) throws IOException {
        String id = packageId(args, "package-show");
        return withPackaging(args, ch -> {
            PackageInfo p = PackagingServiceGrpc.newBlockingStub(ch).withDeadlineAfter(SHORT_SECONDS,
                    TimeUnit.SECONDS).getPackage(GetPackageRequest.newBuilder().setPackageId(id).build());
            out.println("package id: " + p.getPackageId());
            out.println("format version: " + p.getFormatVersion());
            out.println("tools version: " + p.getToolsVersion());
            out.println("central server id: " + p.getCentralServerId());
            out.println("created at: " + (p.hasCreatedAt() ? time(p.getCreatedAt()) : ""));
            out.println("log position: " + p.getLogPosition());
            out.println("history sync id: " + p.getHistorySyncId());
            out.println("size: " + size(p.getSizeBytes()));
            out.println("sha256: " + p.getSha256());
            out.println("description: " + oneLine(p.getDescription()));
            out.println("additional sql: " + (p.getHasAdditionalSql() ? "yes" : "no"));
            out.println("requested by: " + p.getRequestedBy());
            printTables(p.getTablesList(), true);
            return OK;
        });
    }

    private int downloadPackage(Args args) throws IOException {
        String id = packageId(args, "package-download");
        if (!args.has("zip-file")) {
            throw new Args.UsageException("package-download needs --zip-file OUT.zip");
        }
        Path target = PackageDownload.checkTarget(args.option("zip-file"));
        return withPackaging(args, ch -> {
            PackageInfo info = PackagingServiceGrpc.newBlockingStub(ch).withDeadlineAfter(SHORT_SECONDS,
                    TimeUnit.SECONDS).getPackage(GetPackageRequest.newBuilder().setPackageId(id).build());
            download(ch, info, target);
            out.println("OK: package " + info.getPackageId() + " saved to " + target + " (" + size(info.getSizeBytes())
                    + ", sha256 " + info.getSha256() + ")");
            return OK;
        });
    }

    private void download(ManagedChannel ch, PackageInfo info, Path target) throws IOException {
        var stub = PackagingServiceGrpc.newBlockingStub(ch);
        try {
            PackageDownload.run(target, info.getSizeBytes(), info.getSha256(),
                    offset -> stub.withDeadlineAfter(LONG_HOURS, TimeUnit.HOURS).downloadPackage(
                            DownloadPackageRequest.newBuilder().setPackageId(info.getPackageId()).setOffset(offset)
                                    .setChunkSize(CHUNK_SIZE).build()),
                    err);
        } catch (StatusRuntimeException e) {
            Path part = PackageDownload.partOf(target);
            if (Files.exists(part)) {
                err.println("lizsync: download interrupted; " + Files.size(part) + " bytes kept in " + part
                        + ", resume with: lizsync package-download --package-id " + info.getPackageId()
                        + " --zip-file " + target);
            }
            throw e;
        }
    }

    private int deletePackage(Args args) throws IOException {
        String id = packageId(args, "package-delete");
        return withPackaging(args, ch -> {
            DeletePackageResponse r = PackagingServiceGrpc.newBlockingStub(ch).withDeadlineAfter(SHORT_SECONDS,
                    TimeUnit.SECONDS).deletePackage(DeletePackageRequest.newBuilder().setPackageId(id).build());
            out.println("OK: package " + r.getPackageId() + " deleted (" + size(r.getFreedBytes()) + " freed)");
            return OK;
        });
    }

    private void printTables(List<PackagedTable> tables, boolean fingerprints) {
        out.println("tables: " + tables.size());
        for (PackagedTable t : tables) {
            String name = NameList.format(t.getTable().getSchemaName(), t.getTable().getTableName());
            out.printf("  %-40s %12d rows%s%n", name, t.getRowCount(),
                    fingerprints ? "  structure " + t.getStructureFingerprint() : "");
        }
    }

    // ----------------------------------------------------------------------------------------
    // Deploy (seed: "Deploy a database package to the clone").
    // ----------------------------------------------------------------------------------------

    private int deploy(Args args) throws IOException {
        boolean byId = args.has("package-id");
        boolean byZip = args.has("zip-file");
        if (byId == byZip) {
            throw new Args.UsageException("deploy needs either --package-id ID or --zip-file PATH"
                    + (byId ? ", not both" : ""));
        }
        var request = DeployRequest.newBuilder()
                .setForce(args.flag("force"))
                .setNewServerId(args.flag("new-server-id"))
                .setCloneName(args.option("name", ""));
        // The sidecar reads the file on the clone's machine: send an absolute path.
        Path zip = byId ? null : Path.of(args.option("zip-file")).toAbsolutePath().normalize();
        if (byId) {
            request.setPackageId(packageId(args, "deploy"));
        } else {
            request.setZipPath(zip.toString());
        }
        // the clone registers at central with it (ADR 0013); never printed
        request.setRegistrationTicket(registration().forDeploy(args, byId ? request.getPackageId() : null, zip));
        if (zip != null && !Files.isRegularFile(zip)) {
            err.println("lizsync: note: " + zip + " is not a file here; the sidecar looks for it on its machine");
        }
        return withSidecar(args, ch -> {
            Iterator<DeployProgress> steps = CloneAgentGrpc.newBlockingStub(ch)
                    .withDeadlineAfter(LONG_HOURS, TimeUnit.HOURS).deploy(request.build());
            DeployProgress last = null;
            while (steps.hasNext()) {
                DeployProgress p = steps.next();
                if (p.getDone()) {
                    last = p;
                    break;
                }
                err.printf("[%3d%%] %s%n", p.getPercent(), p.getStep());
            }
            if (last == null) {
                throw new PackageDownload.CliFailure("the deploy ended without a final message; see clone-status");
            }
            out.println((last.getStatus() == 1 ? "OK: " : "REFUSED: ") + last.getMessage());
            if (last.getDiscardedEdits() > 0) {
                out.println("discarded edits: " + last.getDiscardedEdits());
            }
            if (!last.getCloneId().isEmpty()) {
                out.println("clone id: " + last.getCloneId());
            }
            return last.getStatus() == 1 ? OK : REFUSED;
        });
    }

    // ----------------------------------------------------------------------------------------
    // Helpers.
    // ----------------------------------------------------------------------------------------

    private static String packageId(Args args, String command) {
        args.required("package-id", command + " needs --package-id ID");
        return uuidOption(args, "package-id", "a package id");
    }

    /** The uuid of option {@code name}; a usage error saying it is not {@code what} when it is not one. */
    static String uuidOption(Args args, String name, String what) {
        String id = args.required(name, "--" + name + " needs " + what).strip();
        if (!isUuid(id)) {
            throw new Args.UsageException("--" + name + ": '" + id + "' is not " + what + " (a uuid)");
        }
        return id;
    }

    static boolean isUuid(String text) {
        return UUID.matcher(text).matches();
    }

    /** Who asks for a package: the operating system user. */
    private String osUser() {
        String user = System.getProperty("user.name", "");
        if (user.isBlank() || user.equals("?")) {
            user = env.getOrDefault("USER", env.getOrDefault("USERNAME", ""));
        }
        return user;
    }

    private int report(OperationResult r) {
        out.println((r.getStatus() == 1 ? "OK: " : "REFUSED: ") + r.getMessage());
        if (!r.getAppliedVersionsList().isEmpty()) {
            out.println("  applied versions: " + r.getAppliedVersionsList());
        }
        if (!r.getPendingVersionsList().isEmpty()) {
            out.println("  pending versions: " + r.getPendingVersionsList());
        }
        return r.getStatus() == 1 ? OK : REFUSED;
    }

    static String time(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).truncatedTo(ChronoUnit.MILLIS).toString();
    }

    /** Bytes, with a binary-unit reading beside them. */
    static String size(long bytes) {
        return bytes < 1024 ? bytes + " bytes" : bytes + " bytes (" + shortSize(bytes) + ")";
    }

    static String shortSize(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\p{Cntrl}+", " ").strip();
    }

    /** The address of a service: option, environment, configuration file, default. */
    String address(Args args, String key) {
        if (config == null) {
            config = CliConfig.load(args.option("config"), env, home);
        }
        return config.address(key, args.option(key), env);
    }

    private interface ChannelWork {
        int run(ManagedChannel channel) throws IOException;
    }

    /** A call on a channel that answers something. */
    interface ChannelCall<T> {
        T run(ManagedChannel channel) throws IOException;
    }

    private int withCentral(Args args, ChannelWork work) throws IOException {
        return withChannel(args, "central", work);
    }

    private int withSidecar(Args args, ChannelWork work) throws IOException {
        return withChannel(args, "sidecar", work);
    }

    private int withPackaging(Args args, ChannelWork work) throws IOException {
        return withChannel(args, "packaging", work);
    }

    private int withChannel(Args args, String service, ChannelWork work) throws IOException {
        return call(args, service, work::run);
    }

    /**
     * Runs {@code work} on a channel to {@code service} (central, packaging, sidecar, registry) as
     * the caller: the access token, or for the sidecar its local token when one is given.
     */
    <T> T call(Args args, String service, ChannelCall<T> work) throws IOException {
        String target = address(args, service);
        String sidecarToken = service.equals("sidecar") ? sidecarTokenFile(args) : "";
        ManagedChannel channel = Channels.open(target, sidecarToken.isEmpty()
                ? login().credentials(address(args, "registry")) : Login.localToken(Path.of(sidecarToken)),
                Channels.security(env));
        try {
            return work.run(channel);
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.UNAVAILABLE) {
                err.println("lizsync: cannot reach " + target);
            }
            throw Channels.explain(e, service, target, args.command);
        } finally {
            channel.shutdownNow();
        }
    }

    /** The sidecar's local token file ({@code --sidecar-token-file}, else the environment); empty when none. */
    String sidecarTokenFile(Args args) {
        return args.option("sidecar-token-file", env.getOrDefault("LIZSYNC_SIDECAR_TOKEN_FILE", ""));
    }

    private CloneRegistration registration() {
        return new CloneRegistration(this, out, err);
    }

    private Login login() {
        if (login == null) {
            login = new Login(env, home);
        }
        return login;
    }
}
