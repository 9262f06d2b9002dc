package io.lizsync.packaging.service;

import io.grpc.StatusRuntimeException;
import io.lizsync.grpckit.jobs.JobMessages;
import io.lizsync.grpckit.jobs.JobPages;
import io.lizsync.grpckit.jobs.JobRegistry;
import io.lizsync.grpckit.jobs.JobState;
import io.lizsync.grpckit.jobs.JobStore;
import io.lizsync.packaging.config.PackagingConfig;
import io.lizsync.packaging.grpc.GrpcErrors;
import io.lizsync.packaging.repository.PackageFileStore;
import io.lizsync.proto.jobs.v1.Job;
import io.lizsync.proto.packaging.v1.BuildPackageRequest;
import io.lizsync.proto.packaging.v1.PackageInfo;
import io.lizsync.sql.pkg.PackageBuildCancelledException;
import io.lizsync.sql.pkg.PackageBuilder;
import io.lizsync.sql.pkg.Progress;
import io.lizsync.sql.pkg.TableName;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Package builds as jobs ({@code lizsync.jobs.v1}, ids {@code build-<uuid>}) on grpc-kit's
 * {@link JobRegistry}: the one path of every build, StartBuild's and BuildPackage's alike. A build
 * is checked, admitted (one runs, {@code max-waiting-builds} wait, more are refused at once) and
 * answered QUEUED; a worker thread runs it when its turn comes. Its job is kept in {@code jobs/}
 * under the package storage directory. What is packaging-service's own: the build's progress as a
 * job (rows or tables, at most every 250 ms or on a change of step), its end, and the half-written
 * archives of interrupted builds, deleted at start.
 *
 * <p>A job found queued or running at start was interrupted by the restart and ends FAILED (error
 * ABORTED): its build kept nothing (the tick and history item commit only with a complete archive,
 * and the half-written archive is deleted). Finished jobs are kept {@code job-retention} (30 days),
 * at most {@code max-finished-jobs}.
 */
@ApplicationScoped
@Startup
public class BuildJobs {

    public static final String PREFIX = "build";
    public static final String KIND = "package-build";

    private static final Logger LOG = Logger.getLogger(BuildJobs.class);
    private static final JobMessages<Job> MESSAGES = new JobMessages<>(Job.getDefaultInstance());
    private static final String ABORTED_MESSAGE = "packaging-service restarted during the build; nothing of it "
            + "was kept (no package, no tick, no history item): start it again";

    /** A build once started: its job as answered, and its package once built. */
    public record Started(Job job, CompletableFuture<PackageInfo> done) {
    }

    /** One build's own state: its listener, its size and where its copy stands (its thread only). */
    private static final class Build {
        private final CompletableFuture<PackageInfo> done = new CompletableFuture<>();
        private final Progress listener;
        private final int tables;
        private final long estimatedRows;
        private long rowsBefore;
        private TableName table;
        private long rows;
        private int tablesStarted;

        Build(Progress listener, int tables, long estimatedRows) {
            this.listener = listener;
            this.tables = tables;
            this.estimatedRows = estimatedRows;
        }
    }

    private final PackageService packages;
    private final JobRegistry<Job> registry;

    BuildJobs(PackageFileStore packageFiles, PackageService packages, PackagingConfig config) throws IOException {
        this.packages = packages;
        int aborted = packageFiles.deleteUnfinished();
        int waiting = config.maxWaitingBuilds();
        this.registry = new JobRegistry<>(new JobRegistry.Settings("packaging-service", PREFIX, 1, waiting,
                config.jobRetention(), config.maxFinishedJobs(), "check", ABORTED_MESSAGE,
                "packaging-service is building a package and " + waiting + " more wait their turn (the limit,"
                        + " lizsync.packaging.max-waiting-builds): try again when one has finished",
                "cancelled before it started; nothing was built",
                "cancellation asked: the build stops at its next safe point"),
                new JobStore<>(config.storageDir().toAbsolutePath().normalize().resolve("jobs"), PREFIX, MESSAGES),
                MESSAGES);
        if (aborted > 0) {
            LOG.infof("%d half-written archive(s) of interrupted builds deleted", aborted);
        }
    }

    /** The registry (the Jobs service's calls). */
    public JobRegistry<Job> registry() {
        return registry;
    }

    @PreDestroy
    void stop() {
        registry.close();
    }

    /**
     * Checks a build request (BuildPackage's refusals), admits it to the queue and starts it as a
     * job; answers at once. {@code listener} also receives the build's progress (BuildPackage's
     * stream), unthrottled.
     */
    public Started start(BuildPackageRequest request, String login, Progress listener) throws Exception {
        var tables = request.getTablesList().stream().map(t -> new TableName(t.getSchemaName(), t.getTableName()))
                .toList();
        var spec = new PackageBuilder.Request(request.getSchemasList(), tables, request.getAdditionalSql(),
                request.getDescription(), request.getRequestedBy().isEmpty() ? login : request.getRequestedBy());
        var plan = packages.check(spec);
        boolean rows = plan.estimatedRows() > 0;
        Job job = Job.newBuilder().setId(registry.newId()).setKind(KIND)
                .setState(io.lizsync.proto.jobs.v1.JobState.JOB_STATE_QUEUED).setStep("queued")
                .setUnit(rows ? "rows" : "tables").setTotal(rows ? plan.estimatedRows() : plan.tables().size())
                .setPercent(0).setCreatedBy(login).setCreatedAt(JobMessages.timestamp(Instant.now()))
                .setMessage("waiting for its turn (one build at a time)").build();
        Build build = new Build(listener, plan.tables().size(), plan.estimatedRows());
        registry.start(job, h -> run(h, build, spec),
                () -> build.done.completeExceptionally(new PackageBuildCancelledException()));
        LOG.infof("job %s: build of %d table(s) queued by %s", job.getId(), plan.tables().size(), login);
        return new Started(job, build.done);
    }

    /** One job. */
    public Job get(String jobId) {
        return registry.get(jobId);
    }

    /** A page of jobs, newest first, of one kind and/or subject when given. */
    public JobPages.Page<Job> list(String kind, String subject, int pageSize, String pageToken) {
        return registry.list(kind, subject, pageSize, pageToken);
    }

    /** Cancels a job: a queued one at once, a running one at its next safe point. */
    public Job cancel(String jobId) {
        return registry.cancel(jobId);
    }

    private void run(JobRegistry<Job>.Handle h, Build build, PackageBuilder.Request request) {
        PackageInfo info;
        try {
            info = packages.build(request, (step, percent, message, table, rows) -> progress(h, build, step, percent,
                    message, table, rows), h::cancelRequested);
        } catch (Exception failure) {
            finish(h, build, failure);
            return;
        }
        long total = info.getTablesList().stream().mapToLong(t -> t.getRowCount()).sum();
        h.finish(j -> {
            boolean byRows = j.getUnit().equals("rows");
            return j.toBuilder().setState(io.lizsync.proto.jobs.v1.JobState.JOB_STATE_SUCCEEDED).setStep("done")
                    .setPercent(100).setFinishedAt(JobMessages.timestamp(Instant.now()))
                    .setResult("package:" + info.getPackageId())
                    .setDone(byRows ? total : build.tables).setTotal(byRows ? total : build.tables)
                    .setMessage("package " + info.getPackageId() + " built: " + info.getTablesCount() + " table(s), "
                            + total + " row(s), " + info.getSizeBytes() + " bytes")
                    .build();
        });
        build.done.complete(info);
    }

    private void finish(JobRegistry<Job>.Handle h, Build build, Exception failure) {
        Job.Builder end = Job.newBuilder().setFinishedAt(JobMessages.timestamp(Instant.now()));
        if (failure instanceof PackageBuildCancelledException) {
            end.setState(io.lizsync.proto.jobs.v1.JobState.JOB_STATE_CANCELLED).setStep("cancelled")
                    .setMessage("cancelled: nothing of the build was kept (no package, no tick, no history item)");
        } else if (h.stopping()) {
            // Interrupted by the shutdown: what a restart would find, said the same way.
            end.setState(io.lizsync.proto.jobs.v1.JobState.JOB_STATE_FAILED).setErrorCode("ABORTED")
                    .setMessage(ABORTED_MESSAGE);
        } else {
            // The one table of errors decides the code, and logs the unexpected ones with a reference.
            StatusRuntimeException status = GrpcErrors.toStatus(failure);
            String description = status.getStatus().getDescription();
            end.setState(io.lizsync.proto.jobs.v1.JobState.JOB_STATE_FAILED)
                    .setErrorCode(status.getStatus().getCode().name())
                    .setMessage(description == null ? status.getStatus().getCode().name() : description);
        }
        if (h.finish(j -> j.toBuilder().mergeFrom(end.build()).build())) {
            LOG.infof("job %s ended %s", h.id(), MESSAGES.state(h.job()));
        }
        build.done.completeExceptionally(failure);
    }

    /** A progress report of the build: to BuildPackage's stream as is, to the job throttled. */
    private void progress(JobRegistry<Job>.Handle h, Build b, String step, int percent, String message,
            TableName table, long rows) {
        try {
            b.listener.report(step, percent, message, table, rows);
        } catch (RuntimeException listenerFailure) {
            LOG.debugf("job %s: a progress listener failed: %s", h.id(), listenerFailure.getMessage());
        }
        if (table != null && !table.equals(b.table)) {
            b.rowsBefore += b.rows;
            b.table = table;
            b.tablesStarted++;
        }
        if (table != null) {
            b.rows = rows;
        }
        String jobStep = table != null ? "data: " + table : step;
        if (!h.progressDue(jobStep)) {
            return;
        }
        boolean afterData = table == null && b.tablesStarted > 0;
        long done;
        long total;
        if (b.estimatedRows > 0) {
            done = b.rowsBefore + b.rows;
            total = Math.max(b.estimatedRows, done);
        } else {
            done = afterData ? b.tables : Math.max(0, b.tablesStarted - 1);
            total = b.tables;
        }
        h.updateIfRunning(j -> j.toBuilder().setStep(jobStep).setPercent(Math.min(99, Math.max(0, percent)))
                .setDone(done).setTotal(total).setMessage(h.cancelRequested() ? j.getMessage() : message).build());
    }

    /** The state of a job message. */
    public static JobState state(Job j) {
        return MESSAGES.state(j);
    }
}
