package io.lizsync.cli;

import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code lizsync <command> [options]}: the LizSync processing algorithms from a shell, through the
 * REST gateway; the sidecar commands talk gRPC to a clone's sidecar, for a clone without network.
 */
@Command(name = "lizsync", mixinStandardHelpOptions = true, version = "lizsync CLI 0.1.0",
        description = "The LizSync processing algorithms from a shell: through the REST gateway for central"
                + " (tools, packages, clones, history, conflicts, jobs, FTP files, devices), over gRPC to a clone's sidecar for what"
                + " runs on the clone (deploy, synchronize, clone-status).",
        subcommands = {
                SessionCommands.Login.class, SessionCommands.Logout.class, SessionCommands.Whoami.class,
                ToolsCommands.Status.class, ToolsCommands.Install.class, ToolsCommands.Upgrade.class,
                ToolsCommands.Prepare.class,
                PackageCommands.Build.class, PackageCommands.ListPackages.class, PackageCommands.Show.class,
                PackageCommands.Download.class, PackageCommands.Delete.class,
                DeployCommand.class,
                CloneCommands.RegistrationTicket.class, CloneCommands.JoinClone.class, CloneCommands.RevokeClone.class,
                CloneCommands.Clones.class, CloneCommands.CloneShow.class, CloneCommands.CloneTables.class,
                SynchronizeCommand.class, SidecarCommands.CloneStatus.class,
                ReviewCommands.History.class, ReviewCommands.Conflicts.class, ReviewCommands.Resolve.class,
                JobCommands.Jobs.class, JobCommands.Show.class, JobCommands.Follow.class, JobCommands.Cancel.class,
                FileCommands.GetFromCentral.class, FileCommands.SendToClone.class, FileCommands.MediaToCentral.class,
                FileCommands.Report.class,
                AccessCommands.Users.class, AccessCommands.Tokens.class, AccessCommands.TokenCreate.class,
                DeviceCommands.class,
                CompletionCommand.class, CommandLine.HelpCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  done",
                "  1  refused or failed (a conflict with the current state, a failed job, a bad checksum)",
                "  2  wrong command line, or input the service found invalid (HTTP 400)",
                "  3  not authenticated or not allowed (HTTP 401, 403): lizsync login, or LIZSYNC_API_TOKEN",
                "  4  not found (HTTP 404)",
                "  5  gateway or service unavailable (HTTP 502, 503, 504, 429, no connection)"})
final class LizsyncCommand implements Callable<Integer> {

    final CliContext context;

    @Spec
    CommandSpec spec;

    LizsyncCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(context.err);
        return ExitCodes.USAGE;
    }

    /** The command line with its handlers: usage errors exit 2 with help, refusals by their status. */
    static CommandLine commandLine(CliContext context) {
        return commandLine(new LizsyncCommand(context), CommandLine.defaultFactory());
    }

    /** As {@link #commandLine(CliContext)} for a root command and a factory of subcommands (CDI's in the CLI). */
    static CommandLine commandLine(LizsyncCommand root, CommandLine.IFactory factory) {
        CliContext context = root.context;
        CommandLine cl = new CommandLine(root, factory);
        cl.setOut(new java.io.PrintWriter(context.out, true));
        cl.setErr(new java.io.PrintWriter(context.err, true));
        cl.setExecutionExceptionHandler((e, line, parsed) -> handle(e, line, context));
        return cl;
    }

    static int run(CliContext context, String... args) {
        return commandLine(context).execute(args);
    }

    private static int handle(Exception e, CommandLine line, CliContext context) {
        var err = context.err;
        if (e instanceof ApiException api) {
            err.println("lizsync: " + api.problem().describe());
            if (api.status() == 401) {
                err.println("lizsync: log in first (lizsync login --user LOGIN), or give an API token"
                        + " (LIZSYNC_API_TOKEN)");
            }
            return api.problem().exitCode();
        }
        if (e instanceof UsageException) {
            err.println("lizsync " + line.getCommandName() + ": " + e.getMessage());
            err.println("Run 'lizsync " + line.getCommandName() + " --help' for its options.");
            return ExitCodes.USAGE;
        }
        if (e instanceof Unreachable) {
            err.println("lizsync: " + e.getMessage());
            return ExitCodes.UNAVAILABLE;
        }
        if (e instanceof StatusRuntimeException grpc) {
            String description = grpc.getStatus().getDescription();
            err.println("lizsync: " + grpc.getStatus().getCode() + (description == null ? "" : ": " + description));
            return ExitCodes.ofGrpc(grpc.getStatus().getCode());
        }
        if (e instanceof CliFailure || e instanceof IOException || e instanceof UncheckedIOException
                || e instanceof IllegalStateException) {
            err.println("lizsync: " + e.getMessage());
            return ExitCodes.FAILED;
        }
        err.println("lizsync: unexpected " + e);
        return ExitCodes.FAILED;
    }
}
