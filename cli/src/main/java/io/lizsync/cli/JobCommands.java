package io.lizsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Long work kept by the services (package builds, deploys through central, clones' syncs, FTP file operations): list, show, follow, cancel. */
final class JobCommands {

    static final String JOBS = "/api/v1/jobs";
    /** The kinds of job the gateway lists. */
    static final java.util.List<String> KINDS = java.util.List.of("package-build", "package-deploy", "clone-sync",
            "ftp-get-projects", "ftp-send-projects", "ftp-sync-media");

    private JobCommands() {
    }

    /** A job that ended otherwise than succeeded: its message and error code on stderr, exit code 1. */
    static int failed(CliContext ctx, Output o, JsonNode job) {
        if (o.json()) {
            o.document(job);
        }
        String code = Output.text(job, "errorCode");
        ctx.err.println("lizsync: job " + Output.text(job, "id") + " " + Output.text(job, "state") + ": "
                + Output.text(job, "message") + (code.isEmpty() ? "" : " (" + code + ")"));
        return ExitCodes.FAILED;
    }

    /** {@code --no-wait}: the job just started, its id for job-follow or job-cancel. */
    /** A job followed from its start: {@code done} when it succeeded, else the command's exit code. */
    record Followed(JsonNode done, int exit) {
    }

    /**
     * A job the gateway just started (its 202 document): with {@code noWait} printed at once;
     * otherwise {@code note} goes to stderr and the job is followed to its end (a failed or
     * cancelled one is reported here).
     */
    static Followed follow(CliContext ctx, Output o, GatewayClient gw, JsonNode job, boolean noWait, String note)
            throws java.io.IOException {
        if (noWait) {
            return new Followed(null, started(o, job));
        }
        ctx.err.println("lizsync: " + note + " (Ctrl-C stops following it, not the job)");
        JsonNode done = ctx.follower(gw).follow(Output.text(job, "id"));
        if (!done.path("state").asText().equals("succeeded")) {
            return new Followed(null, failed(ctx, o, done));
        }
        return new Followed(done, ExitCodes.OK);
    }

    static int started(Output o, JsonNode job) {
        if (o.json()) {
            o.document(job);
        } else {
            o.line("job id: " + Output.text(job, "id"));
        }
        return ExitCodes.OK;
    }

    static void print(Output o, JsonNode job) {
        if (o.json()) {
            o.document(job);
            return;
        }
        for (String f : java.util.List.of("id", "kind", "state", "step", "done", "total", "unit", "percent", "subject",
                "result", "message", "errorCode", "createdBy", "createdAt", "startedAt", "finishedAt")) {
            String v = Output.text(job, f);
            if (!v.isEmpty()) {
                o.line(f + ": " + v);
            }
        }
    }

    @Command(name = "jobs", mixinStandardHelpOptions = true, description = "Jobs of a kind, newest first.")
    static final class Jobs extends GatewayCommand {
        @Option(names = "--kind", required = true, paramLabel = "KIND",
                description = "package-build, package-deploy, clone-sync, ftp-get-projects, ftp-send-projects or ftp-sync-media")
        String kind;
        @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "1 to 500 (default: ${DEFAULT-VALUE})")
        int limit;
        @Option(names = "--clone", paramLabel = "UUID", description = "only the jobs about this clone (deploys, syncs)")
        String clone;

        @Override
        public Integer call() throws IOException {
            if (!KINDS.contains(kind)) {
                throw new UsageException("--kind must be one of " + String.join(", ", KINDS));
            }
            JsonNode page = gw().get(JOBS + "?kind=" + kind + "&limit=" + limit
                    + (clone == null ? "" : "&subject=clone:" + Ids.uuid("--clone", clone, "a clone id")));
            out().table(ReviewCommands.list(page), "id", "state", "step", "percent", "result", "createdBy", "createdAt");
            return ExitCodes.OK;
        }
    }

    @Command(name = "job-show", mixinStandardHelpOptions = true, description = "A job: state, progress, result or error.")
    static final class Show extends GatewayCommand {
        @Parameters(paramLabel = "JOB_ID")
        String id;

        @Override
        public Integer call() throws IOException {
            print(out(), gw().get(JOBS + "/" + Ids.job(id)));
            return ExitCodes.OK;
        }
    }

    @Command(name = "job-follow", mixinStandardHelpOptions = true,
            description = "Follow a job to its end with a progress bar (exit 0 when it succeeded, 1 otherwise).")
    static final class Follow extends GatewayCommand {
        @Parameters(paramLabel = "JOB_ID")
        String id;

        @Override
        public Integer call() throws IOException {
            GatewayClient gw = gw();
            JsonNode done = ctx().follower(gw).follow(Ids.job(id));
            if (!done.path("state").asText().equals("succeeded")) {
                return failed(ctx(), out(), done);
            }
            print(out(), done);
            return ExitCodes.OK;
        }
    }

    @Command(name = "job-cancel", mixinStandardHelpOptions = true,
            description = "Ask a job to stop (a queued one stops at once, a running one at its next safe point).")
    static final class Cancel extends GatewayCommand {
        @Parameters(paramLabel = "JOB_ID")
        String id;

        @Override
        public Integer call() throws IOException {
            print(out(), gw().post(JOBS + "/" + Ids.job(id) + "/cancel", null, GatewayClient.SHORT));
            return ExitCodes.OK;
        }
    }
}
