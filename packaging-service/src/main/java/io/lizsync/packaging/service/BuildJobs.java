package io.lizsync.packaging.service;

import com.google.protobuf.Timestamp;
import io.grpc.StatusRuntimeException;
import io.lizsync.grpckit.jobs.JobFanOut;
import io.lizsync.grpckit.jobs.JobId;
import io.lizsync.grpckit.jobs.JobPages;
import io.lizsync.grpckit.jobs.JobRetention;
import io.lizsync.grpckit.jobs.JobState;
import io.lizsync.grpckit.jobs.ProgressThrottle;
import io.lizsync.packaging.config.PackagingConfig;
import io.lizsync.packaging.grpc.GrpcErrors;
import io.lizsync.packaging.repository.JobFileStore;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * Package builds as jobs ({@code lizsync.jobs.v1}, ids {@code build-<uuid>}): the one path of
 * every build, StartBuild's and BuildPackage's alike. A build is checked, admitted to the queue
 * (one runs, {@code max-waiting-builds} wait, more are refused at once) and answered QUEUED; a
 * worker thread runs it when its turn comes. Each change of a job is written to its file
 * ({@link JobFileStore}) and sent to its watchers, progress at most every 250 ms or on a change of
 * step ({@link ProgressThrottle}).
 *
 * <p>At start the jobs of the previous run are read back; one found queued or running was
 * interrupted by the restart and ends FAILED (error ABORTED): its build kept nothing (the tick and
 * history item commit only with a complete archive, and the half-written archive is deleted).
 * Finished jobs are kept {@code job-retention} (30 days), at most {@code max-finished-jobs}.
 *
 * <p>Every change of one job happens under that job's lock, its file write and its publication
 * included, so files and watchers see the changes in order.
 */
@ApplicationScoped
@Startup
public class BuildJobs {

    public static final String PREFIX = "build";
    public static final String KIND = "package-build";

    private static final Logger LOG = Logger.getLogger(BuildJobs.class);
    private static final String ABORTED_MESSAGE = "packaging-service restarted during the build; nothing of it "
            + "was kept (no package, no tick, no history item): start it again";

    /** A build once started: its job as answered, and its package once built. */
    public record Started(Job job, CompletableFuture<PackageInfo> done) {
    }

    /** One job of this process: its current state and, while it runs, how to stop it. */
    private static final class Entry {
        private Job job;
        private final ProgressThrottle throttle = new ProgressThrottle();
        private final CompletableFuture<PackageInfo> done = new CompletableFuture<>();
        private final Progress listener;
        private final int tables;
        private final long estimatedRows;
        private volatile boolean cancelRequested;
        private volatile Future<?> worker;
        // Rows of the tables copied before the current one, the current one and its rows so far
        // (touched by the build's thread only).
        private long rowsBefore;
        private TableName table;
        private long rows;
        private int tablesStarted;

        Entry(Job job, Progress listener, int tables, long estimatedRows) {
            this.job = job;
            this.listener = listener;
            this.tables = tables;
            this.estimatedRows = estimatedRows;
        }
    }

    private final Map<String, Entry> jobs = new ConcurrentHashMap<>();
    private final JobFanOut<Job> watchers = new JobFanOut<>(j -> state(j).isTerminal());
    private final JobFileStore files;
    private final PackageService packages;
    private final BuildQueue queue;
    private final JobRetention retention;
    private final ExecutorService workers;
    private volatile boolean stopping;

    BuildJobs(JobFileStore files, PackageFileStore packageFiles, PackageService packages, PackagingConfig config)
            throws IOException {
        this.files = files;
        this.packages = packages;
        this.queue = new BuildQueue(config.maxWaitingBuilds());
        this.retention = new JobRetention(config.jobRetention(), config.maxFinishedJobs());
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "package-build-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        int aborted = packageFiles.deleteUnfinished();
        Instant now = Instant.now();
        for (Job job : files.loadAll()) {
            if (!state(job).isTerminal()) {
                job = job.toBuilder().setState(proto(JobState.FAILED)).setErrorCode("ABORTED")
                        .setMessage(ABORTED_MESSAGE).setFinishedAt(timestamp(now)).build();
                files.save(job);
                LOG.warnf("job %s was interrupted by a restart of packaging-service: marked FAILED (ABORTED)",
                        job.getId());
            }
            jobs.put(job.getId(), new Entry(job, Progress.NONE, 0, -1));
        }
        if (aborted > 0) {
            LOG.infof("%d half-written archive(s) of interrupted builds deleted", aborted);
        }
        prune(now);
    }

    @PreDestroy
    void stop() {
        stopping = true;
        workers.shutdownNow();
    }

    /**
     * Checks a build request (BuildPackage's refusals), admits it to the queue and starts it as a
     * job; answers at once. {@code listener} also receives the build's progress (BuildPackage's
     * stream), unthrottled.
     */
    public Started start(BuildPackageRequest request, String login, Progress listener) throws Exception {
        var tables = request.getTablesList().stream().map(t -> new TableName(t.getSchemaName(), t.getTableName()))
                .toList();
        var build = new PackageBuilder.Request(request.getSchemasList(), tables, request.getAdditionalSql(),
                request.getDescription(), request.getRequestedBy().isEmpty() ? login : request.getRequestedBy());
        var plan = packages.check(build);
        BuildQueue.Ticket ticket = queue.admit();
        try {
            String id = JobId.create(PREFIX).toString();
            boolean rows = plan.estimatedRows() > 0;
            Job job = Job.newBuilder().setId(id).setKind(KIND).setState(proto(JobState.QUEUED)).setStep("queued")
                    .setUnit(rows ? "rows" : "tables").setTotal(rows ? plan.estimatedRows() : plan.tables().size())
                    .setPercent(0).setCreatedBy(login).setCreatedAt(timestamp(Instant.now()))
                    .setMessage("waiting for its turn (one build at a time)").build();
            Entry entry = new Entry(job, listener, plan.tables().size(), plan.estimatedRows());
            files.save(job);
            // The worker is known before the job can be cancelled: a queued job leaves the queue at once.
            entry.worker = workers.submit(() -> run(entry, build, ticket));
            jobs.put(id, entry);
            LOG.infof("job %s: build of %d table(s) queued by %s", id, plan.tables().size(), login);
            return new Started(job, entry.done);
        } catch (Exception e) {
            ticket.close();
            throw e;
        }
    }

    /** One job. */
    public Job get(String jobId) {
        Entry e = require(jobId);
        synchronized (e) {
            return e.job;
        }
    }

    /** A page of jobs, newest first, of one kind and/or subject when given. */
    public JobPages.Page<Job> list(String kind, String subject, int pageSize, String pageToken) {
        List<Job> all = jobs.values().stream().map(e -> {
            synchronized (e) {
                return e.job;
            }
        }).toList();
        return JobPages.page(all, BuildJobs::key,
                j -> (kind.isEmpty() || kind.equals(j.getKind())) && (subject.isEmpty() || subject.equals(j.getSubject())),
                PREFIX, pageSize, pageToken);
    }

    /** Sends the job now, then each change, until its final state ({@link JobFanOut}). */
    public void watch(String jobId, JobFanOut.Sink<Job> sink) {
        Entry e = require(jobId);
        synchronized (e) {
            watchers.watch(e.job.getId(), e.job, sink);
        }
    }

    /**
     * Cancels a job: a queued one at once, a running one at its next safe point (it may finish
     * first, when it is past the last one).
     *
     * @throws JobFinishedException when the job is over
     */
    public Job cancel(String jobId) {
        Entry e = require(jobId);
        synchronized (e) {
            JobState now = state(e.job);
            switch (now.onCancel()) {
                case CANCELLED_NOW -> {
                    e.cancelRequested = true;
                    update(e, b -> b.setState(proto(now.moveTo(JobState.CANCELLED))).setCancelRequested(true)
                            .setStep("cancelled").setFinishedAt(timestamp(Instant.now()))
                            .setMessage("cancelled before it started; nothing was built"));
                    Future<?> worker = e.worker;
                    if (worker != null) {
                        worker.cancel(true); // it waits for its turn: leave the queue
                    }
                    e.done.completeExceptionally(new PackageBuildCancelledException());
                }
                case STOP_AT_SAFE_POINT -> {
                    e.cancelRequested = true;
                    update(e, b -> b.setCancelRequested(true)
                            .setMessage("cancellation asked: the build stops at its next safe point"));
                }
                case ALREADY_FINISHED -> throw new JobFinishedException(e.job.getId(), now.name());
            }
            LOG.infof("job %s: cancellation asked while %s", e.job.getId(), now);
            return e.job;
        }
    }

    private void run(Entry e, PackageBuilder.Request build, BuildQueue.Ticket ticket) {
        try (ticket) {
            ticket.run(() -> {
                runAdmitted(e, build);
                return null;
            });
        } catch (InterruptedException cancelledWhileQueued) {
            LOG.debugf("job %s left the queue", e.job.getId());
        } catch (Exception unexpected) {
            finish(e, unexpected);
        }
    }

    private void runAdmitted(Entry e, PackageBuilder.Request build) {
        synchronized (e) {
            if (state(e.job) != JobState.QUEUED) {
                return; // cancelled while it waited
            }
            update(e, b -> b.setState(proto(JobState.RUNNING)).setStartedAt(timestamp(Instant.now())).setStep("check")
                    .setMessage("running"));
        }
        PackageInfo info;
        try {
            info = packages.build(build, (step, percent, message, table, rows) -> progress(e, step, percent, message,
                    table, rows), () -> e.cancelRequested);
        } catch (Exception failure) {
            finish(e, failure);
            return;
        }
        long total = info.getTablesList().stream().mapToLong(t -> t.getRowCount()).sum();
        synchronized (e) {
            update(e, b -> b.setState(proto(JobState.RUNNING.moveTo(JobState.SUCCEEDED))).setStep("done")
                    .setPercent(100).setFinishedAt(timestamp(Instant.now()))
                    .setResult("package:" + info.getPackageId())
                    .setDone(b.getUnit().equals("rows") ? total : e.tables).setTotal(b.getUnit().equals("rows") ? total : e.tables)
                    .setMessage("package " + info.getPackageId() + " built: " + info.getTablesCount() + " table(s), "
                            + total + " row(s), " + info.getSizeBytes() + " bytes"));
        }
        e.done.complete(info);
        prune(Instant.now());
    }

    private void finish(Entry e, Exception failure) {
        synchronized (e) {
            if (state(e.job).isTerminal()) {
                return;
            }
            if (failure instanceof PackageBuildCancelledException) {
                update(e, b -> b.setState(proto(JobState.CANCELLED)).setStep("cancelled")
                        .setFinishedAt(timestamp(Instant.now()))
                        .setMessage("cancelled: nothing of the build was kept (no package, no tick, no history item)"));
                LOG.infof("job %s cancelled", e.job.getId());
            } else if (stopping) {
                // Interrupted by the shutdown: what a restart would find, said the same way.
                update(e, b -> b.setState(proto(JobState.FAILED)).setFinishedAt(timestamp(Instant.now()))
                        .setErrorCode("ABORTED").setMessage(ABORTED_MESSAGE));
            } else {
                // The one table of errors decides the code, and logs the unexpected ones with a reference.
                StatusRuntimeException status = GrpcErrors.toStatus(failure);
                String description = status.getStatus().getDescription();
                update(e, b -> b.setState(proto(JobState.FAILED)).setFinishedAt(timestamp(Instant.now()))
                        .setErrorCode(status.getStatus().getCode().name())
                        .setMessage(description == null ? status.getStatus().getCode().name() : description));
            }
        }
        e.done.completeExceptionally(failure);
        prune(Instant.now());
    }

    /** A progress report of the build: to BuildPackage's stream as is, to the job throttled. */
    private void progress(Entry e, String step, int percent, String message, TableName table, long rows) {
        try {
            e.listener.report(step, percent, message, table, rows);
        } catch (RuntimeException listenerFailure) {
            LOG.debugf("job %s: a progress listener failed: %s", e.job.getId(), listenerFailure.getMessage());
        }
        if (table != null && !table.equals(e.table)) {
            e.rowsBefore += e.rows;
            e.table = table;
            e.tablesStarted++;
        }
        if (table != null) {
            e.rows = rows;
        }
        String jobStep = table != null ? "data: " + table : step;
        if (!e.throttle.pass(jobStep, System.nanoTime())) {
            return;
        }
        boolean afterData = table == null && e.tablesStarted > 0;
        long done;
        long total;
        if (e.estimatedRows > 0) {
            done = e.rowsBefore + e.rows;
            total = Math.max(e.estimatedRows, done);
        } else {
            done = afterData ? e.tables : Math.max(0, e.tablesStarted - 1);
            total = e.tables;
        }
        synchronized (e) {
            if (state(e.job) != JobState.RUNNING) {
                return;
            }
            update(e, b -> b.setStep(jobStep).setPercent(Math.min(99, Math.max(0, percent))).setDone(done).setTotal(total)
                    .setMessage(e.cancelRequested ? b.getMessage() : message));
        }
    }

    /** Changes a job (its lock held): the new state is written down, then sent to its watchers. */
    private void update(Entry e, UnaryOperator<Job.Builder> change) {
        Job next = change.apply(e.job.toBuilder()).build();
        e.job = next;
        try {
            files.save(next);
        } catch (IOException io) {
            // The job goes on; its state is still served from memory. A restart would show the last written one.
            LOG.errorf("job %s: cannot write its state to %s: %s", next.getId(), files.directory(), io.getMessage());
        }
        watchers.publish(next.getId(), next);
    }

    /** Forgets finished jobs older than the retention, and all but the newest {@code max-finished-jobs}. */
    private synchronized void prune(Instant now) {
        List<Job> all = jobs.values().stream().map(e -> {
            synchronized (e) {
                return e.job;
            }
        }).toList();
        for (Job j : retention.toForget(all, j -> new JobRetention.Facts(key(j), state(j),
                j.hasFinishedAt() ? instant(j.getFinishedAt()) : null), now)) {
            jobs.remove(j.getId());
            try {
                files.delete(j.getId());
            } catch (IOException io) {
                LOG.warnf("job %s: cannot delete its file: %s", j.getId(), io.getMessage());
            }
        }
    }

    private Entry require(String jobId) {
        String id = JobId.parse(PREFIX, jobId).toString();
        Entry e = jobs.get(id);
        if (e == null) {
            throw new JobNotFoundException(id);
        }
        return e;
    }

    private static JobPages.Key key(Job j) {
        return new JobPages.Key(instant(j.getCreatedAt()), j.getId());
    }

    /** The state of a job message. */
    public static JobState state(Job j) {
        return JobState.valueOf(j.getState().name().substring("JOB_STATE_".length()));
    }

    private static io.lizsync.proto.jobs.v1.JobState proto(JobState s) {
        return io.lizsync.proto.jobs.v1.JobState.valueOf("JOB_STATE_" + s.name());
    }

    private static Timestamp timestamp(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }

    private static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }
}
