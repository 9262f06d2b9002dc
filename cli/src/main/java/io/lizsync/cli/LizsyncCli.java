package io.lizsync.cli;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lizsync.proto.sync.v1.CentralAdminGrpc;
import io.lizsync.proto.sync.v1.GetToolsStatusRequest;
import io.lizsync.proto.sync.v1.InstallRequest;
import io.lizsync.proto.sync.v1.OperationResult;
import io.lizsync.proto.sync.v1.PrepareRequest;
import io.lizsync.proto.sync.v1.PrepareResponse;
import io.lizsync.proto.sync.v1.UpgradeRequest;
import io.lizsync.proto.sync.v1.AttachRequest;
import io.lizsync.proto.sync.v1.CloneAgentGrpc;
import io.lizsync.proto.sync.v1.GetCloneStatusRequest;
import io.lizsync.proto.sync.v1.RegisterCloneRequest;
import io.lizsync.proto.sync.v1.RegisterCloneResponse;
import io.lizsync.proto.sync.v1.RevokeCloneCredentialRequest;
import io.lizsync.proto.sync.v1.SynchronizeRequest;
import io.lizsync.proto.sync.v1.TableName;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.TimeUnit;

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

    private static final Set<String> FLAGS = Set.of("override-audit", "override-lizsync", "runit", "run-it",
            "add-server-id", "add-uid-columns", "add-audit-triggers", "help");

    static final String USAGE_TEXT = """
            Usage: lizsync <command> [options]

            Commands (central sync-service, --central HOST:PORT or $LIZSYNC_CENTRAL, default 127.0.0.1:8083):
              status                         tools version, pending upgrades, server id
              install [--override-audit] [--override-lizsync] [--target-version V]
                                             install the audit and lizsync schemas in the central database
              upgrade [--runit]              apply every newer tools version (nothing without --runit)
              prepare --schemas a,b [--add-server-id=false] [--add-uid-columns=false] [--add-audit-triggers=false]
                                             add server id, uid columns and audit triggers (all on by default)

            Clones (clone sidecar: --sidecar HOST:PORT or $LIZSYNC_SIDECAR, default 127.0.0.1:8090):
              join-clone --name N --tables s.t1,s.t2 [--clone-id UUID]
                                             register the clone on central and attach the sidecar's database
                                             (its tables must already hold central's data)
              revoke-clone --clone-id UUID   revoke a clone's exchange credential (central)
              synchronize                    run a two-way sync now (same as SELECT * FROM lizsync.synchronize())
              clone-status                   the clone's id, central, tools version, unsynced edits

            Exit codes: 0 done, 1 refused, 2 wrong command line, 3 service unreachable, 4 other error.
            """;

    private final PrintStream out = System.out;
    private final PrintStream err = System.err;

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
            err.println("lizsync: " + code + ": " + e.getStatus().getDescription());
            return switch (code) {
                case UNAVAILABLE, DEADLINE_EXCEEDED -> UNAVAILABLE;
                case INVALID_ARGUMENT -> USAGE;
                case FAILED_PRECONDITION -> REFUSED;
                default -> FAILED;
            };
        }
    }

    /** Options each command accepts; anything else is refused before a call is made. */
    private static final java.util.Map<String, Set<String>> OPTIONS = java.util.Map.of(
            "status", Set.of("central"),
            "install", Set.of("central", "override-audit", "override-lizsync", "target-version"),
            "upgrade", Set.of("central", "runit", "run-it"),
            "prepare", Set.of("central", "schemas", "add-server-id", "add-uid-columns", "add-audit-triggers",
                    "server-name"),
            "join-clone", Set.of("central", "sidecar", "name", "tables", "clone-id"),
            "revoke-clone", Set.of("central", "clone-id"),
            "synchronize", Set.of("sidecar"),
            "clone-status", Set.of("sidecar"));

    private int dispatch(Args args) {
        Set<String> allowed = OPTIONS.get(args.command);
        if (allowed == null) {
            throw new Args.UsageException("unknown command '" + args.command + "'");
        }
        args.checkOnly(allowed);
        return switch (args.command) {
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
            case "prepare" -> withCentral(args, ch -> {
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
            case "join-clone" -> joinClone(args);
            case "revoke-clone" -> withCentral(args, ch -> {
                boolean revoked = CentralAdminGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS)
                        .revokeCloneCredential(RevokeCloneCredentialRequest.newBuilder()
                                .setCloneId(args.option("clone-id", "")).build()).getRevoked();
                out.println(revoked ? "OK: credential revoked" : "REFUSED: no live credential for this clone");
                return revoked ? OK : REFUSED;
            });
            case "synchronize" -> withChannel(args.option("sidecar", sidecarDefault()), ch -> {
                var r = CloneAgentGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.MINUTES)
                        .synchronize(SynchronizeRequest.getDefaultInstance());
                out.printf("number_replayed_to_central: %d%nnumber_replayed_to_clone: %d%nnumber_conflicts: %d%n"
                        + "duration: %d ms%n", r.getNumberReplayedToCentral(), r.getNumberReplayedToClone(),
                        r.getNumberConflicts(), r.getDurationMs());
                return r.getStatus() == 1 ? OK : REFUSED;
            });
            case "clone-status" -> withChannel(args.option("sidecar", sidecarDefault()), ch -> {
                var s = CloneAgentGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS)
                        .getCloneStatus(GetCloneStatusRequest.getDefaultInstance());
                out.printf("clone id: %s%ncentral id: %s%ntools version: %s%nunsynced edits: %d%n", s.getCloneId(),
                        s.getCentralId(), s.getToolsVersion(), s.getUnsyncedEdits());
                return OK;
            });
            default -> throw new Args.UsageException("unknown command '" + args.command + "'");
        };
    }

    private int joinClone(Args args) {
        String name = args.option("name", "");
        String tables = args.option("tables", "");
        if (name.isBlank() || tables.isBlank()) {
            throw new Args.UsageException("join-clone needs --name and --tables schema.table,...");
        }
        var register = RegisterCloneRequest.newBuilder().setCloneName(name).setCloneId(args.option("clone-id", ""));
        var attach = AttachRequest.newBuilder().setCloneName(name);
        for (String t : tables.split(",")) {
            String q = t.trim();
            int dot = q.indexOf('.');
            if (dot <= 0 || dot == q.length() - 1) {
                throw new Args.UsageException("--tables: expected schema.table, got '" + q + "'");
            }
            TableName tn = TableName.newBuilder().setSchemaName(q.substring(0, dot)).setTableName(q.substring(dot + 1))
                    .build();
            register.addTables(tn);
            attach.addTables(tn);
        }
        RegisterCloneResponse[] registration = new RegisterCloneResponse[1];
        int code = withCentral(args, ch -> {
            registration[0] = CentralAdminGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS)
                    .registerClone(register.build());
            return OK;
        });
        if (code != OK) {
            return code;
        }
        return withChannel(args.option("sidecar", sidecarDefault()), ch -> {
            var r = CloneAgentGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.MINUTES)
                    .attach(attach.setRegistration(registration[0]).build());
            out.println((r.getStatus() == 1 ? "OK: " : "REFUSED: ") + r.getMessage() + " (central position "
                    + registration[0].getTickId() + ")");
            return r.getStatus() == 1 ? OK : REFUSED;
        });
    }

    private static String sidecarDefault() {
        return System.getenv().getOrDefault("LIZSYNC_SIDECAR", "127.0.0.1:8090");
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

    private interface ChannelWork {
        int run(ManagedChannel channel);
    }

    private int withCentral(Args args, ChannelWork work) {
        return withChannel(args.option("central", System.getenv().getOrDefault("LIZSYNC_CENTRAL", "127.0.0.1:8083")),
                work);
    }

    private int withChannel(String target, ChannelWork work) {
        ManagedChannel channel = channel(target);
        try {
            return work.run(channel);
        } finally {
            channel.shutdownNow();
        }
    }

    static ManagedChannel channel(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new Args.UsageException("expected HOST:PORT, got '" + hostPort + "'");
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new Args.UsageException("expected HOST:PORT, got '" + hostPort + "'");
        }
        return ManagedChannelBuilder.forAddress(hostPort.substring(0, colon), port).usePlaintext().build();
    }
}
