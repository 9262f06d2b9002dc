package io.lizsync.files.service;

import io.lizsync.files.config.FilesConfig;
import io.lizsync.files.ftp.Exclusions;
import io.lizsync.files.ftp.FtpEndpoint;
import io.lizsync.files.ftp.Mirror;
import io.lizsync.files.ftp.MirrorCache;
import io.lizsync.files.ftp.MirrorReport;
import io.lizsync.files.ftp.SafeNames;
import io.lizsync.grpckit.jobs.JobState;
import io.lizsync.proto.files.v1.FileAction;
import io.lizsync.proto.files.v1.FileOperationReport;
import io.lizsync.proto.files.v1.FileResult;
import io.lizsync.proto.files.v1.GetProjectsFromCentralFtpRequest;
import io.lizsync.proto.files.v1.ProjectAdaptation;
import io.lizsync.proto.files.v1.SendProjectsToCloneFtpRequest;
import io.lizsync.proto.files.v1.SyncMediaToCentralFtpRequest;
import io.lizsync.proto.jobs.v1.Job;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The three FTP operations of seed 002 as jobs: each request is checked at once (unknown
 * endpoint, folders leaving the configured ones, bad exclusions, adapt without both databases:
 * INVALID_ARGUMENT, nothing queued), then a job mirrors ({@link Mirror}) and, for
 * GetProjectsFromCentralFtp with adapt, rewrites the projects' data sources. The job ends
 * SUCCEEDED, FAILED (the error's code; DATA_LOSS when some files failed and the others were done)
 * or CANCELLED, always with its report.
 */
@ApplicationScoped
public class FtpOperations {

    public static final String GET_PROJECTS = "ftp-get-projects";
    public static final String SEND_PROJECTS = "ftp-send-projects";
    public static final String SYNC_MEDIA = "ftp-sync-media";

    private final FilesConfig.Ftp config;
    private final Path workDir;
    private final FtpEndpoints endpoints;
    private final FileJobs jobs;
    private final ProjectAdapter adapter;

    FtpOperations(FilesConfig config, FtpEndpoints endpoints, FileJobs jobs, ProjectAdapter adapter) {
        this.config = config.ftp();
        this.workDir = config.workDir().toAbsolutePath().normalize();
        this.endpoints = endpoints;
        this.jobs = jobs;
        this.adapter = adapter;
    }

    public Job getProjects(GetProjectsFromCentralFtpRequest r, String login) throws IOException {
        FtpEndpoint endpoint = endpoints.get(r.getEndpoint(), "central");
        String remote = SafeNames.relativeFolder(r.getRemoteDir(), "remote_dir");
        Path local = projectFolder(r.getLocalSubfolder());
        Exclusions exclusions = exclusions(r.getExcludeSubdirsList(), r.getIncludeAllSubdirs());
        if (r.getAdapt()) {
            if (!r.hasCentralDatabase() || !r.hasCloneDatabase()) {
                throw new IllegalArgumentException("adapt needs central_database and clone_database");
            }
            QgisProjectAdapter.target(r.getCentralDatabase());
            QgisProjectAdapter.target(r.getCloneDatabase());
            if (!adapter.available()) {
                throw new IllegalArgumentException("adapting QGIS projects is not available in this build");
            }
        }
        Mirror.Options o = options(Mirror.Direction.DOWNLOAD, endpoint, remote, local, exclusions, false, r.getDryRun(),
                GET_PROJECTS);
        return jobs.start(GET_PROJECTS, "ftp:" + endpoint.name(), login, ctx -> {
            FileJobs.Outcome mirrored = mirror(o, ctx);
            if (!r.getAdapt() || r.getDryRun() || mirrored.state() != JobState.SUCCEEDED || ctx.cancelled()) {
                return mirrored;
            }
            ctx.progress("adapt", 0, 0);
            ProjectAdapter.Result adapted = adapter.adapt(local, r.getCentralDatabase(), r.getCloneDatabase());
            List<ProjectAdaptation> projects = adapted.projects();
            MirrorCache.refreshTargets(o.cacheFile(), local, projects.stream()
                    .filter(p -> p.getOutcome().equals("ADAPTED")).map(ProjectAdaptation::getPath).toList());
            return new FileJobs.Outcome(JobState.SUCCEEDED, "", mirrored.message() + "; " + adapted.summary(),
                    mirrored.report().toBuilder().addAllProjects(projects).build());
        });
    }

    public Job sendProjects(SendProjectsToCloneFtpRequest r, String login) throws IOException {
        FtpEndpoint endpoint = endpoints.get(r.getEndpoint(), "clone");
        String remote = SafeNames.relativeFolder(r.getRemoteDir(), "remote_dir");
        Path local = projectFolder(r.getLocalSubfolder());
        Exclusions exclusions = exclusions(r.getExcludeSubdirsList(), r.getIncludeAllSubdirs());
        Mirror.Options o = options(Mirror.Direction.UPLOAD, endpoint, remote, local, exclusions, r.getDeleteExtraneous(),
                r.getDryRun(), SEND_PROJECTS);
        return jobs.start(SEND_PROJECTS, "ftp:" + endpoint.name(), login, ctx -> mirror(o, ctx));
    }

    public Job syncMedia(SyncMediaToCentralFtpRequest r, String login) throws IOException {
        FtpEndpoint endpoint = endpoints.get(r.getEndpoint(), "central");
        Path media = config.mediaFolder().or(() -> config.projectFolder().map(p -> p.resolve("media/upload")))
                .orElseThrow(() -> new FolderNotConfiguredException("lizsync.files.ftp.media-folder (or project-folder)"))
                .toAbsolutePath().normalize();
        // Media are never deleted, on either side.
        Mirror.Options o = options(Mirror.Direction.UPLOAD, endpoint, "media/upload", media, Exclusions.NONE, false,
                r.getDryRun(), SYNC_MEDIA);
        return jobs.start(SYNC_MEDIA, "ftp:" + endpoint.name(), login, ctx -> mirror(o, ctx));
    }

    private FileJobs.Outcome mirror(Mirror.Options o, FileJobs.Context ctx) {
        long started = System.nanoTime();
        MirrorReport m = Mirror.run(o, new Mirror.Listener() {
            @Override
            public void step(String step) {
                ctx.progress(step, 0, 0);
            }

            @Override
            public void bytes(long done, long total) {
                ctx.progress("transfer", done, total);
            }
        }, ctx::cancelled);
        FileOperationReport report = report(o, m).toBuilder()
                .setDurationMs(java.time.Duration.ofNanos(System.nanoTime() - started).toMillis()).build();
        String summary = m.summary();
        if (m.fatal() != null) {
            return new FileJobs.Outcome(JobState.FAILED, m.fatal().code().name(), m.fatal().getMessage() + " (" + summary
                    + ")", report.toBuilder().setError(m.fatal().getMessage()).build());
        }
        if (m.wasCancelled() || ctx.cancelled()) {
            return new FileJobs.Outcome(JobState.CANCELLED, "", "cancelled: " + summary
                    + "; a file being written stays under a temporary name and the next run resumes it", report);
        }
        if (m.failed() > 0) {
            String first = m.files().stream().filter(f -> f.action() == MirrorReport.Action.FAILED)
                    .map(f -> f.path() + ": " + f.reason()).findFirst().orElse("");
            return new FileJobs.Outcome(JobState.FAILED, "DATA_LOSS", m.failed() + " file(s) failed, the others were done ("
                    + summary + "); first: " + first, report);
        }
        return new FileJobs.Outcome(JobState.SUCCEEDED, "", (o.dryRun() ? "dry run: " : "") + summary, report);
    }

    static FileOperationReport report(Mirror.Options o, MirrorReport m) {
        FileOperationReport.Builder b = FileOperationReport.newBuilder().setEndpoint(o.endpoint().name())
                .setRemoteDir(m.remoteDir()).setLocalFolder(o.localDir().toString())
                .setFilesTransferred(m.transferred()).setFilesSkipped(m.skipped()).setFilesDeleted(m.deleted())
                .setFilesFailed(m.failed()).setFilesResumed(m.resumed()).setBytesTransferred(m.bytes())
                .setDryRun(o.dryRun()).setComparison(m.comparison());
        for (MirrorReport.Outcome f : m.sortedFiles()) {
            b.addFiles(FileResult.newBuilder().setPath(f.path()).setAction(action(f.action())).setBytes(f.bytes())
                    .setResumedFrom(f.resumedFrom()).setReason(f.reason() == null ? "" : f.reason()));
        }
        return b.build();
    }

    private static FileAction action(MirrorReport.Action a) {
        return switch (a) {
            case UPLOADED -> FileAction.FILE_ACTION_UPLOADED;
            case DOWNLOADED -> FileAction.FILE_ACTION_DOWNLOADED;
            case SKIPPED -> FileAction.FILE_ACTION_SKIPPED;
            case DELETED -> FileAction.FILE_ACTION_DELETED;
            case FAILED -> FileAction.FILE_ACTION_FAILED;
        };
    }

    private Mirror.Options options(Mirror.Direction direction, FtpEndpoint endpoint, String remote, Path local,
            Exclusions exclusions, boolean delete, boolean dryRun, String kind) {
        String key = String.join("\n", kind, endpoint.name(), endpoint.host(), String.valueOf(endpoint.port()),
                endpoint.remoteDir(), remote, local.toString());
        Path cache = workDir.resolve("ftp-cache").resolve(kind + "-" + sha256(key).substring(0, 24) + ".tsv");
        return new Mirror.Options(direction, endpoint, remote, local, exclusions, delete, dryRun, config.mtimeTolerance(),
                Math.max(1, config.parallelTransfers()), cache);
    }

    private Path projectFolder(String subfolder) {
        Path root = config.projectFolder().orElseThrow(() -> new FolderNotConfiguredException(
                "lizsync.files.ftp.project-folder")).toAbsolutePath().normalize();
        String sub = SafeNames.relativeFolder(subfolder, "local_subfolder");
        return sub.isEmpty() ? root : SafeNames.resolve(root, sub);
    }

    private Exclusions exclusions(List<String> requested, boolean includeAll) {
        if (includeAll) {
            if (!requested.isEmpty()) {
                throw new IllegalArgumentException("include_all_subdirs and exclude_subdirs exclude each other");
            }
            return Exclusions.NONE;
        }
        return Exclusions.of(requested.isEmpty() ? new ArrayList<>(config.exclusions()) : requested);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
