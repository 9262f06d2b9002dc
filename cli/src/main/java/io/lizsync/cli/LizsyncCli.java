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
                    "server-name"));

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
            default -> throw new Args.UsageException("unknown command '" + args.command + "'");
        };
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
        String target = args.option("central", System.getenv().getOrDefault("LIZSYNC_CENTRAL", "127.0.0.1:8083"));
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
