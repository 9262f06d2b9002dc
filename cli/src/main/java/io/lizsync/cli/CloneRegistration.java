package io.lizsync.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lizsync.proto.packaging.v1.GetPackageRequest;
import io.lizsync.proto.packaging.v1.PackageInfo;
import io.lizsync.proto.packaging.v1.PackagingServiceGrpc;
import io.lizsync.proto.registry.v1.GetServerRequest;
import io.lizsync.proto.registry.v1.IssueRegistrationTicketRequest;
import io.lizsync.proto.registry.v1.RegistrationTicket;
import io.lizsync.proto.registry.v1.RegistryServiceGrpc;
import io.lizsync.proto.registry.v1.RevokeCloneCredentialRequest;
import io.lizsync.proto.registry.v1.Server;
import io.lizsync.proto.sync.v1.AttachRequest;
import io.lizsync.proto.sync.v1.CloneAgentGrpc;
import io.lizsync.proto.sync.v1.GetCloneStatusRequest;
import io.lizsync.proto.sync.v1.TableName;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Clone registration as ADR 0013 has it: registry-service owns the clones, and every clone
 * registration redeems a single-use ticket. The operator's CLI asks registry-service for a ticket
 * naming the clone (its name, its id for a redeploy, its tables, the package of a deploy) and hands
 * it to the clone's sidecar, which redeems it at central's exchange itself: the clone's credential
 * never passes through the CLI. The ticket is shown once, by {@code registration-ticket} on
 * standard output; no other command prints it.
 */
final class CloneRegistration {

    /** Prefix of every registration ticket (registry-service's Secrets.TICKET_PREFIX). */
    static final String TICKET_PREFIX = "lzr_";
    /** Longest ticket lifetime registry-service issues (30 days), in hours. */
    static final int MAX_VALID_FOR_HOURS = 720;
    /** A join-clone's ticket is redeemed by the Attach right after it: an hour is plenty. */
    static final long ATTACH_TICKET_SECONDS = 3600;
    private static final long CALL_SECONDS = 30;

    private final LizsyncCli cli;
    private final PrintStream out;
    private final PrintStream err;

    CloneRegistration(LizsyncCli cli, PrintStream out, PrintStream err) {
        this.cli = cli;
        this.out = out;
        this.err = err;
    }

    /**
     * What a ticket is asked for.
     *
     * @param cloneName       the clone's name at registry-service
     * @param cloneId         the clone re-registered (uuid); empty for a new clone
     * @param tables          the tables it synchronises (a deploy's: the package's)
     * @param packageId       the package deployed; empty for an attach
     * @param historySyncId   the package's 'full' history item; empty for an attach
     * @param validForSeconds lifetime; 0 for registry-service's default (a day)
     */
    record TicketSpec(String cloneName, String cloneId, List<NameList.Table> tables, String packageId,
            String historySyncId, long validForSeconds) {

        IssueRegistrationTicketRequest toRequest() {
            var r = IssueRegistrationTicketRequest.newBuilder().setCloneName(cloneName).setCloneId(cloneId)
                    .setPackageId(packageId).setPackageHistorySyncId(historySyncId).setValidForSeconds(validForSeconds);
            for (NameList.Table t : tables) {
                r.addTables(io.lizsync.proto.registry.v1.TableRef.newBuilder().setSchemaName(t.schema())
                        .setTableName(t.table()));
            }
            return r.build();
        }
    }

    /** Whom a deploy's ticket names: {@code cloneId} empty for a new clone. */
    record Target(String cloneId, String name) {
    }

    /**
     * Whom a deploy's ticket names. A redeploy (the sidecar holds clone {@code sidecarCloneId} and
     * no {@code --new-server-id}) keeps the clone's id and, without {@code --name}, its name at the
     * registry; a clone the registry does not know ({@code known} null) and a new server id make a
     * new clone, which needs {@code --name}.
     */
    static Target target(String nameOption, boolean newServerId, String sidecarCloneId, Server known) {
        boolean redeploy = !sidecarCloneId.isEmpty() && !newServerId;
        if (redeploy && known != null) {
            return new Target(sidecarCloneId, nameOption.isBlank() ? known.getName() : nameOption);
        }
        if (nameOption.isBlank()) {
            throw new Args.UsageException("deploy needs --name CLONE_NAME: "
                    + (redeploy ? "clone " + sidecarCloneId + " is not known to registry-service, so it registers as a"
                            + " new clone" : newServerId ? "--new-server-id makes a new clone"
                            : "the sidecar's database is not a clone yet"));
        }
        return new Target("", nameOption);
    }

    // ----------------------------------------------------------------------------------------
    // deploy
    // ----------------------------------------------------------------------------------------

    /**
     * The ticket a deploy carries: the one in {@code --registration-ticket-file}, else one from
     * registry-service, else (a deploy with the sidecar's local token) none, said on stderr.
     *
     * @param packageId the package of a deploy by id, else null
     * @param zip       the ZIP of a deploy by file (absolute), else null
     */
    String forDeploy(Args args, String packageId, Path zip) throws IOException {
        if (args.option("registration-ticket-file") != null) {
            return readTicketFile(args.option("registration-ticket-file"));
        }
        if (!cli.sidecarTokenFile(args).isEmpty()) {
            err.println("lizsync: note: deploying with the sidecar's local token and no --registration-ticket-file:"
                    + " the clone is not registered with central and cannot sync until it is deployed with a"
                    + " registration ticket (lizsync registration-ticket, run where registry-service is reachable)");
            return "";
        }
        String id = packageId != null ? packageId : zipPackageId(zip);
        String sidecarCloneId = sidecarCloneId(args);
        boolean newServerId = args.flag("new-server-id");
        Server known = sidecarCloneId.isEmpty() || newServerId ? null : registryServer(args, sidecarCloneId);
        Target target = target(args.option("name", "").strip(), newServerId, sidecarCloneId, known);
        PackageInfo info = packageInfo(args, id);
        RegistrationTicket ticket = issue(args, new TicketSpec(target.name(), target.cloneId(), tables(info), id,
                info.getHistorySyncId(), 0));
        err.println("lizsync: " + describe(ticket));
        return ticket.getTicket();
    }

    private static String zipPackageId(Path zip) throws IOException {
        if (!Files.isRegularFile(zip) || !Files.isReadable(zip)) {
            throw new Args.UsageException("deploy --zip-file: " + zip + " is not a readable file here, so its package"
                    + " id (for the registration ticket) is unknown: run the deploy on the clone's machine, or make a"
                    + " ticket with lizsync registration-ticket --name N --package-id ID and give it with"
                    + " --registration-ticket-file FILE");
        }
        return PackageZipManifest.packageId(zip);
    }

    /** The clone id the sidecar holds; empty when its database is not a clone yet. */
    private String sidecarCloneId(Args args) throws IOException {
        return cli.call(args, "sidecar", ch -> {
            try {
                return CloneAgentGrpc.newBlockingStub(ch).withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS)
                        .getCloneStatus(GetCloneStatusRequest.getDefaultInstance()).getCloneId();
            } catch (StatusRuntimeException e) {
                Status.Code code = e.getStatus().getCode();
                // a database without the tools fails the status query: not a clone either
                if (code == Status.Code.FAILED_PRECONDITION || code == Status.Code.NOT_FOUND
                        || code == Status.Code.INTERNAL || code == Status.Code.UNKNOWN) {
                    if (code != Status.Code.FAILED_PRECONDITION) {
                        err.println("lizsync: note: the sidecar did not tell its clone id (" + code
                                + "); the ticket is for a new clone");
                    }
                    return "";
                }
                throw e;
            }
        });
    }

    /** The server {@code id} at registry-service, or null when it does not know it. */
    private Server registryServer(Args args, String id) throws IOException {
        return cli.call(args, "registry", ch -> {
            try {
                return RegistryServiceGrpc.newBlockingStub(ch).withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS)
                        .getServer(GetServerRequest.newBuilder().setId(id).build());
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                    return null;
                }
                throw e;
            }
        });
    }

    private PackageInfo packageInfo(Args args, String packageId) throws IOException {
        return cli.call(args, "packaging", ch -> PackagingServiceGrpc.newBlockingStub(ch)
                .withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS)
                .getPackage(GetPackageRequest.newBuilder().setPackageId(packageId).build()));
    }

    private RegistrationTicket issue(Args args, TicketSpec spec) throws IOException {
        return cli.call(args, "registry", ch -> RegistryServiceGrpc.newBlockingStub(ch)
                .withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS).issueRegistrationTicket(spec.toRequest()));
    }

    /** A package's tables, as a ticket lists them. */
    static List<NameList.Table> tables(PackageInfo info) {
        return info.getTablesList().stream()
                .map(t -> new NameList.Table(t.getTable().getSchemaName(), t.getTable().getTableName())).toList();
    }

    // ----------------------------------------------------------------------------------------
    // registration-ticket, join-clone, revoke-clone
    // ----------------------------------------------------------------------------------------

    /** {@code registration-ticket}: the ticket alone on stdout (for {@code > FILE}), what it is on stderr. */
    int printTicket(Args args) throws IOException {
        String name = args.required("name", "registration-ticket needs --name CLONE_NAME").strip();
        boolean byPackage = args.has("package-id");
        if (byPackage == args.has("tables")) {
            throw new Args.UsageException("registration-ticket needs either --package-id ID (a deploy) or --tables"
                    + " s.t1,s.t2 (a clone joined with its data)" + (byPackage ? ", not both" : ""));
        }
        String cloneId = args.has("clone-id") ? LizsyncCli.uuidOption(args, "clone-id", "a clone id") : "";
        long validFor = 3600L * args.intOption("valid-for-hours", 0, 1, MAX_VALID_FOR_HOURS);
        TicketSpec spec;
        if (byPackage) {
            String packageId = LizsyncCli.uuidOption(args, "package-id", "a package id");
            PackageInfo info = packageInfo(args, packageId);
            spec = new TicketSpec(name, cloneId, tables(info), packageId, info.getHistorySyncId(), validFor);
        } else {
            spec = new TicketSpec(name, cloneId, NameList.tables("tables", args.option("tables")), "", "", validFor);
        }
        RegistrationTicket ticket = issue(args, spec);
        out.println(ticket.getTicket());
        out.flush();
        err.println("OK: " + describe(ticket));
        err.println(byPackage ? "Single use: deploy the package with it, lizsync deploy ... --registration-ticket-file FILE"
                : "Single use: for the Attach of the clone's sidecar (AttachRequest.registration_ticket)");
        return LizsyncCli.OK;
    }

    /** {@code join-clone}: a ticket without package, then the sidecar's Attach, which redeems it. */
    int joinClone(Args args) throws IOException {
        String name = args.option("name", "").strip();
        String tablesText = args.option("tables", "");
        if (name.isEmpty() || tablesText.isBlank()) {
            throw new Args.UsageException("join-clone needs --name and --tables schema.table,...");
        }
        List<NameList.Table> tables = NameList.tables("tables", tablesText);
        RegistrationTicket ticket = issue(args, new TicketSpec(name, "", tables, "", "", ATTACH_TICKET_SECONDS));
        err.println("lizsync: " + describe(ticket));
        var attach = AttachRequest.newBuilder().setCloneName(name).setRegistrationTicket(ticket.getTicket());
        for (NameList.Table t : tables) {
            attach.addTables(TableName.newBuilder().setSchemaName(t.schema()).setTableName(t.table()));
        }
        return cli.call(args, "sidecar", ch -> {
            var r = CloneAgentGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.MINUTES).attach(attach.build());
            out.println((r.getStatus() == 1 ? "OK: " : "REFUSED: ") + r.getMessage());
            return r.getStatus() == 1 ? LizsyncCli.OK : LizsyncCli.REFUSED;
        });
    }

    /** {@code revoke-clone}: every valid credential of the clone, at registry-service. */
    int revoke(Args args) throws IOException {
        String cloneId = LizsyncCli.uuidOption(args, "clone-id", "a clone id");
        return cli.call(args, "registry", ch -> {
            int revoked = RegistryServiceGrpc.newBlockingStub(ch).withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS)
                    .revokeCloneCredential(RevokeCloneCredentialRequest.newBuilder().setServerId(cloneId).build())
                    .getRevoked();
            out.println(revoked == 0 ? "OK: clone " + cloneId + " had no valid credential; nothing revoked"
                    : "OK: " + revoked + (revoked == 1 ? " credential" : " credentials") + " of clone " + cloneId
                            + " revoked; its next sync is refused");
            return LizsyncCli.OK;
        });
    }

    // ----------------------------------------------------------------------------------------
    // Helpers.
    // ----------------------------------------------------------------------------------------

    /** The ticket in the first line of {@code file} (a byte order mark and blanks dropped). */
    static String readTicketFile(String file) throws IOException {
        if (file == null || file.isBlank()) {
            throw new Args.UsageException("--registration-ticket-file needs a file name");
        }
        Path path = Path.of(file);
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new Args.UsageException("--registration-ticket-file: " + path + " is not a readable file");
        }
        String first;
        try (var lines = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            first = lines.readLine();
        } catch (java.nio.charset.MalformedInputException e) {
            first = null;
        }
        String ticket = first == null ? "" : first.replace("\uFEFF", "").strip();
        // never echo the line: it may be some other secret given by mistake (a local token)
        if (!ticket.startsWith(TICKET_PREFIX) || ticket.length() == TICKET_PREFIX.length()
                || !ticket.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new Args.UsageException("--registration-ticket-file: the first line of " + path
                    + " is not a registration ticket (" + TICKET_PREFIX + "..., from lizsync registration-ticket)");
        }
        return ticket;
    }

    /** What a ticket registers, on one line, without the ticket itself. */
    static String describe(RegistrationTicket t) {
        String who = t.getCloneId().isEmpty() ? "a new clone '" + t.getCloneName() + "'"
                : "clone " + t.getCloneId() + " ('" + t.getCloneName() + "')";
        String what = t.getPackageId().isEmpty() ? "" : ", package " + t.getPackageId();
        return "registration ticket for " + who + what + ", " + t.getTablesCount()
                + (t.getTablesCount() == 1 ? " table" : " tables") + ", valid until "
                + (t.hasExpiresAt() ? LizsyncCli.time(t.getExpiresAt()) : "?");
    }
}
