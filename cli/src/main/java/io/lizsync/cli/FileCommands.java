package io.lizsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.lizsync.qgis.PgDataSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * LizSync's three "GeoPoppy file synchronization" algorithms (seed 002), one command each, through
 * the gateway: each starts a {@code files-} job at file-service, followed with a progress bar
 * ({@code --no-wait} prints it at once), then its report. The FTP servers are named endpoints of
 * file-service's configuration (host, port, login and password never on a command line).
 */
final class FileCommands {

    static final String FILES = "/api/v1/files";
    private static final Set<String> DB_KEYS = Set.of("host", "port", "dbname", "user", "service", "authcfg");

    private FileCommands() {
    }

    /**
     * A database given as {@code key=value} pairs with QGIS's quoting ({@code host=db port=5432
     * dbname='gis' user='editor'}, or {@code service=geopoppy}); a password is refused.
     */
    static Map<String, Object> database(String option, String text) {
        PgDataSource ds = PgDataSource.parse(text);
        if (ds.has("password")) {
            throw new UsageException(option + ": no password here (the clone's QGIS uses .pgpass, a service or an authcfg)");
        }
        Map<String, Object> db = new LinkedHashMap<>();
        for (String key : ds.keys()) {
            if (!DB_KEYS.contains(key)) {
                throw new UsageException(option + ": unknown key " + key + " (host, port, dbname, user, service, authcfg)");
            }
            String value = ds.value(key);
            if (key.equals("port")) {
                try {
                    db.put(key, Integer.parseInt(value));
                } catch (NumberFormatException e) {
                    throw new UsageException(option + ": port must be a number");
                }
            } else {
                db.put(key, value);
            }
        }
        if (!db.containsKey("service") && !db.containsKey("dbname")) {
            throw new UsageException(option + ": give service=NAME or dbname=NAME (with host, port, user)");
        }
        return db;
    }

    /** {@code data,tmp/cache}: sub-folders as whole path segments, comma-separated as in LizSync. */
    static List<String> subfolders(String option, String text) {
        List<String> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                throw new UsageException(option + ": an empty sub-folder name");
            }
            out.add(p);
        }
        return out;
    }

    /** Starts the job, follows it, prints its report: exit 0 when it succeeded. */
    static int run(GatewayCommand cmd, String path, Map<String, Object> body, boolean noWait, String what) throws IOException {
        GatewayClient gw = cmd.gw();
        JsonNode job = gw.post(FILES + path, body, GatewayClient.SHORT);
        Output o = cmd.out();
        var followed = JobCommands.follow(cmd.ctx(), o, gw, job, noWait, what + " job " + Output.text(job, "id"));
        JsonNode done = followed.done();
        if (done == null) {
            if (!noWait) {
                printReportIfAny(cmd, gw, Output.text(job, "id"));
            }
            return followed.exit();
        }
        JsonNode report = gw.get(FILES + "/reports/" + Output.text(done, "id"));
        printReport(o, report);
        return ExitCodes.OK;
    }

    /** A failed job's report, when it has one (a job failed before its listing has none). */
    private static void printReportIfAny(GatewayCommand cmd, GatewayClient gw, String jobId) {
        try {
            printReport(cmd.out(), gw.get(FILES + "/reports/" + jobId));
        } catch (ApiException e) {
            // no report: the job's message (printed already) says why
        }
    }

    static void printReport(Output o, JsonNode r) {
        if (o.json()) {
            o.document(r);
            return;
        }
        o.line(String.format("%s%d transferred (%d bytes, %d resumed), %d skipped, %d deleted, %d failed in %d ms",
                r.path("dryRun").asBoolean() ? "dry run: " : "", r.path("filesTransferred").asInt(),
                r.path("bytesTransferred").asLong(), r.path("filesResumed").asInt(), r.path("filesSkipped").asInt(),
                r.path("filesDeleted").asInt(), r.path("filesFailed").asInt(), r.path("durationMs").asLong()));
        for (JsonNode f : r.path("files")) {
            o.line("  " + Output.text(f, "action") + " " + Output.text(f, "path")
                    + (Output.text(f, "reason").isEmpty() ? "" : ": " + Output.text(f, "reason")));
        }
        for (JsonNode p : r.path("projects")) {
            String outcome = Output.text(p, "outcome");
            o.line("  project " + outcome + " " + Output.text(p, "path")
                    + (outcome.equals("adapted") ? " (" + p.path("datasourcesRewritten").asInt() + " data sources)" : "")
                    + (Output.text(p, "message").isEmpty() ? "" : ": " + Output.text(p, "message")));
        }
        if (!Output.text(r, "error").isEmpty()) {
            o.line("error: " + Output.text(r, "error"));
        }
    }

    @Command(name = "get-projects-from-central-ftp", aliases = "get-projects-and-files-from-central-ftp",
            mixinStandardHelpOptions = true,
            description = "Get QGIS projects and files from the central FTP server into the clone's project folder (new"
                    + " and changed files; excluded sub-folders skipped; nothing deleted), and with --adapt rewrite the"
                    + " projects' PostgreSQL data sources from the central database to the clone's (originals kept as"
                    + " <name>.lizsync-orig). A files- job at file-service, followed with a progress bar.")
    static final class GetFromCentral extends GatewayCommand {
        @Option(names = "--endpoint", paramLabel = "NAME", description = "FTP endpoint of file-service (default: central)"
                + " [CENTRAL_FTP_HOST, _PORT, _LOGIN, _PASSWORD]")
        String endpoint;
        @Option(names = "--remote-dir", paramLabel = "DIR", description = "relative to the endpoint's [CENTRAL_FTP_REMOTE_DIR]")
        String remoteDir;
        @Option(names = "--local-subfolder", paramLabel = "DIR", description = "inside the configured clone project folder"
                + " [CLONE_QGIS_PROJECT_FOLDER]")
        String localSubfolder;
        @Option(names = "--exclude", paramLabel = "A,B", description = "sub-folders not copied, as whole path segments"
                + " (default: file-service's, data) [FTP_EXCLUDE_REMOTE_SUBDIRS]")
        String exclude;
        @Option(names = "--include-all-subdirs", description = "copy every sub-folder (no exclusion)")
        boolean includeAll;
        @Option(names = "--adapt", description = "adapt the QGIS projects to the clone's database [REPLACE_DATASOURCE_IN_QGIS_PROJECT]")
        boolean adapt;
        @Option(names = "--central-db", paramLabel = "CONNINFO", description = "the central database as the projects name"
                + " it: \"host=db.example port=5432 dbname=gis\" or \"service=central\" (with --adapt)")
        String centralDb;
        @Option(names = "--clone-db", paramLabel = "CONNINFO", description = "the clone's database to write instead:"
                + " \"host=localhost port=5432 dbname=geopoppy user=field\", \"service=geopoppy\", optionally authcfg=ID"
                + " (with --adapt; never a password)")
        String cloneDb;
        @Option(names = "--dry-run", description = "report what would be transferred, change nothing")
        boolean dryRun;
        @Option(names = "--no-wait", description = "print the job and return at once (job-follow follows it)")
        boolean noWait;

        @Override
        public Integer call() throws IOException {
            if (adapt ? centralDb == null || cloneDb == null : centralDb != null || cloneDb != null) {
                throw new UsageException("--adapt needs --central-db and --clone-db, and they need --adapt");
            }
            Map<String, Object> body = new LinkedHashMap<>();
            putIf(body, "endpoint", endpoint);
            putIf(body, "remoteDir", remoteDir);
            putIf(body, "localSubfolder", localSubfolder);
            if (exclude != null) {
                body.put("excludeSubdirs", subfolders("--exclude", exclude));
            }
            body.put("includeAllSubdirs", includeAll);
            body.put("adapt", adapt);
            if (adapt) {
                body.put("centralDatabase", database("--central-db", centralDb));
                body.put("cloneDatabase", database("--clone-db", cloneDb));
            }
            body.put("dryRun", dryRun);
            return run(this, "/projects/get-from-central", body, noWait, "get-projects");
        }
    }

    @Command(name = "send-projects-to-clone-ftp", aliases = "send-projects-and-files-to-clone-ftp",
            mixinStandardHelpOptions = true,
            description = "Send a local QGIS project folder to a clone's FTP server (overwrite what changed; with"
                    + " --delete also remove remote files gone locally). Projects are not adapted. A files- job.")
    static final class SendToClone extends GatewayCommand {
        @Option(names = "--endpoint", paramLabel = "NAME", description = "FTP endpoint of file-service (default: clone)"
                + " [CLONE_FTP_HOST, _PORT, _LOGIN, _PASSWORD]")
        String endpoint;
        @Option(names = "--remote-dir", paramLabel = "DIR", description = "relative to the endpoint's [CLONE_FTP_REMOTE_DIR]")
        String remoteDir;
        @Option(names = "--local-subfolder", paramLabel = "DIR", description = "inside the configured project folder"
                + " [LOCAL_QGIS_PROJECT_FOLDER]")
        String localSubfolder;
        @Option(names = "--exclude", paramLabel = "A,B", description = "sub-folders not sent, as whole path segments"
                + " [FTP_EXCLUDE_REMOTE_SUBDIRS]")
        String exclude;
        @Option(names = "--include-all-subdirs", description = "send every sub-folder (no exclusion)")
        boolean includeAll;
        @Option(names = "--delete", description = "also delete remote files that do not exist locally")
        boolean delete;
        @Option(names = "--dry-run", description = "report what would be done, change nothing")
        boolean dryRun;
        @Option(names = "--no-wait", description = "print the job and return at once (job-follow follows it)")
        boolean noWait;

        @Override
        public Integer call() throws IOException {
            Map<String, Object> body = new LinkedHashMap<>();
            putIf(body, "endpoint", endpoint);
            putIf(body, "remoteDir", remoteDir);
            putIf(body, "localSubfolder", localSubfolder);
            if (exclude != null) {
                body.put("excludeSubdirs", subfolders("--exclude", exclude));
            }
            body.put("includeAllSubdirs", includeAll);
            body.put("deleteExtraneous", delete);
            body.put("dryRun", dryRun);
            return run(this, "/projects/send-to-clone", body, noWait, "send-projects");
        }
    }

    @Command(name = "synchronize-media-to-central-ftp", aliases = "synchronize-media-subfolder-to-ftp",
            mixinStandardHelpOptions = true,
            description = "Send the clone's media/upload/ files missing or different on the central FTP server's"
                    + " media/upload/; nothing is deleted on either side. A files- job.")
    static final class MediaToCentral extends GatewayCommand {
        @Option(names = "--endpoint", paramLabel = "NAME", description = "FTP endpoint of file-service (default: central)")
        String endpoint;
        @Option(names = "--dry-run", description = "report what would be sent, change nothing")
        boolean dryRun;
        @Option(names = "--no-wait", description = "print the job and return at once (job-follow follows it)")
        boolean noWait;

        @Override
        public Integer call() throws IOException {
            Map<String, Object> body = new LinkedHashMap<>();
            putIf(body, "endpoint", endpoint);
            body.put("dryRun", dryRun);
            return run(this, "/media/sync-to-central", body, noWait, "sync-media");
        }
    }

    @Command(name = "files-report", mixinStandardHelpOptions = true,
            description = "The report of a finished file job: files transferred, skipped, deleted, failed, and the projects adapted.")
    static final class Report extends GatewayCommand {
        @Parameters(paramLabel = "JOB_ID")
        String id;

        @Override
        public Integer call() throws IOException {
            String jobId = Ids.job(id);
            if (!jobId.startsWith("files-")) {
                throw new UsageException("'" + jobId + "' is not a file job id (like files-<uuid>)");
            }
            printReport(out(), gw().get(FILES + "/reports/" + jobId));
            return ExitCodes.OK;
        }
    }

    private static void putIf(Map<String, Object> body, String key, String value) {
        if (value != null) {
            body.put(key, value);
        }
    }
}
