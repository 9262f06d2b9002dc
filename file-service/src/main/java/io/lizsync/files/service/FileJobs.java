package io.lizsync.files.service;

import io.lizsync.files.config.FilesConfig;
import io.lizsync.grpckit.jobs.JobMessages;
import io.lizsync.grpckit.jobs.JobNotFoundException;
import io.lizsync.grpckit.jobs.JobPages;
import io.lizsync.grpckit.jobs.JobRegistry;
import io.lizsync.grpckit.jobs.JobState;
import io.lizsync.grpckit.jobs.JobStore;
import io.lizsync.proto.files.v1.FileOperationReport;
import io.lizsync.proto.jobs.v1.Job;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * File operations as jobs ({@code lizsync.jobs.v1}, ids {@code files-<uuid>}) on grpc-kit's
 * {@link JobRegistry}: admitted (at most {@code max-running-jobs} run, {@code max-waiting-jobs}
 * wait, more are refused), answered QUEUED, run on a worker thread, kept under
 * {@code <work-dir>/jobs/}. What is file-service's own: the report of a job (attachment
 * {@code <id>.report.json}), written before its final state so a finished job's report is always
 * there, and how an operation's {@link Outcome} ends its job.
 *
 * <p>A job found queued or running at start was interrupted by file-service's stop and ends FAILED
 * (ABORTED): what it transferred completely is in place, a file it was writing stays under its
 * temporary name and the next run resumes it.
 */
@ApplicationScoped
public class FileJobs {

    public static final String PREFIX = "files";

    private static final Logger LOG = Logger.getLogger(FileJobs.class);
    private static final String REPORT = "report";
    static final String ABORTED_MESSAGE = "file-service stopped during the transfer: the files it completed are in "
            + "place, a file it was writing is kept under a temporary name and the next run resumes it";

    /** What a job does once its turn comes. */
    public interface Work {
        Outcome run(Context context) throws Exception;
    }

    /** What a running job may say and ask. */
    public interface Context {
        String jobId();

        void progress(String step, long done, long total);

        boolean cancelled();
    }

    /** How a job ended: its state, error code (failures), message and report (may be null). */
    public record Outcome(JobState state, String errorCode, String message, FileOperationReport report) {
    }

    private static final JobMessages<Job> MESSAGES = new JobMessages<>(Job.getDefaultInstance());

    private final JobRegistry<Job> registry;

    @jakarta.inject.Inject
    FileJobs(FilesConfig config) throws IOException {
        this(config.workDir().toAbsolutePath().normalize().resolve("jobs"), config.ftp().maxRunningJobs(),
                config.ftp().maxWaitingJobs(), config.ftp().jobRetention(), config.ftp().maxFinishedJobs());
    }

    /** Jobs kept in {@code dir} (its jobs of a previous run read back). */
    public FileJobs(Path dir, int maxRunning, int maxWaiting, Duration retention, int maxFinished) throws IOException {
        this.registry = new JobRegistry<>(new JobRegistry.Settings("file-service", PREFIX, Math.max(1, maxRunning),
                maxWaiting, retention, maxFinished, "start", ABORTED_MESSAGE,
                "too many file jobs wait (at most " + maxWaiting + "): try again later",
                "cancelled before it started; nothing was transferred",
                "cancellation asked: the transfer stops after its current buffer"),
                new JobStore<>(dir, PREFIX, MESSAGES), MESSAGES);
    }

    /** The registry (the Jobs service's calls). */
    public JobRegistry<Job> registry() {
        return registry;
    }

    /** Stops the running jobs (each ends FAILED/ABORTED with what it did) and waits a little for them to say so. */
    @PreDestroy
    void stop() {
        registry.close();
    }

    /**
     * Queues a job and answers it QUEUED at once.
     *
     * @throws io.lizsync.grpckit.jobs.JobQueueFullException when too many jobs wait
     */
    public Job start(String kind, String subject, String login, Work work) throws IOException {
        Job job = Job.newBuilder().setId(registry.newId()).setKind(kind).setSubject(subject)
                .setState(io.lizsync.proto.jobs.v1.JobState.JOB_STATE_QUEUED).setStep("queued").setUnit("bytes")
                .setPercent(-1).setCreatedBy(login).setCreatedAt(JobMessages.timestamp(Instant.now()))
                .setMessage("waiting for its turn").build();
        registry.start(job, h -> run(h, work), null);
        LOG.infof("job %s (%s, %s) queued by %s", job.getId(), kind, subject, login);
        return job;
    }

    public Job get(String jobId) {
        return registry.get(jobId);
    }

    /** The report of a finished job. */
    public FileOperationReport report(String jobId) throws IOException {
        Job job = get(jobId);
        if (!state(job).isTerminal()) {
            throw new JobNotFinishedException(job.getId());
        }
        Optional<FileOperationReport> report = registry.store().attachment(job.getId(), REPORT,
                FileOperationReport.newBuilder());
        return report.orElseThrow(() -> new JobNotFoundException("job " + job.getId()
                + " has no report (it ended before it could list anything: " + job.getMessage() + ")"));
    }

    public JobPages.Page<Job> list(String kind, String subject, int pageSize, String pageToken) {
        return registry.list(kind, subject, pageSize, pageToken);
    }

    /**
     * Cancels a job: a queued one at once; a running one between two buffers of its current
     * file (the file's part stays for a later run) and it ends CANCELLED with its report.
     */
    public Job cancel(String jobId) {
        return registry.cancel(jobId);
    }

    private void run(JobRegistry<Job>.Handle h, Work work) {
        Outcome outcome;
        try {
            outcome = work.run(new Context() {
                @Override
                public String jobId() {
                    return h.id();
                }

                @Override
                public void progress(String step, long done, long total) {
                    if (h.progressDue(step)) {
                        int percent = total > 0 ? (int) Math.min(99, done * 100 / total) : -1;
                        h.updateIfRunning(j -> j.toBuilder().setStep(step).setDone(done).setTotal(total)
                                .setPercent(percent).build());
                    }
                }

                @Override
                public boolean cancelled() {
                    return h.cancelRequested() || h.stopping();
                }
            });
        } catch (Exception unexpected) {
            if (h.stopping()) {
                LOG.debugf("job %s interrupted by the stop: %s", h.id(), unexpected);
            } else {
                LOG.errorf(unexpected, "job %s failed unexpectedly", h.id());
            }
            outcome = new Outcome(JobState.FAILED, "INTERNAL", "internal error: " + unexpected.getClass().getSimpleName()
                    + " (in file-service's log)", null);
        }
        if (outcome == null) {
            outcome = new Outcome(JobState.FAILED, "INTERNAL", "internal error: the operation gave no outcome", null);
        }
        finish(h, outcome);
    }

    private void finish(JobRegistry<Job>.Handle h, Outcome o) {
        Job current = h.job();
        if (o.report() != null) {
            try {
                registry.store().saveAttachment(h.id(), REPORT,
                        o.report().toBuilder().setJobId(h.id()).setKind(current.getKind()).build());
            } catch (IOException io) {
                LOG.errorf("job %s: cannot write its report to %s: %s", h.id(), registry.store().directory(),
                        io.getMessage());
            }
        }
        boolean aborted = h.stopping() && o.state() != JobState.SUCCEEDED;
        JobState end = aborted ? JobState.FAILED : o.state();
        h.finish(j -> {
            Job.Builder b = j.toBuilder().setState(io.lizsync.proto.jobs.v1.JobState.valueOf(JobMessages.protoName(end)))
                    .setFinishedAt(JobMessages.timestamp(Instant.now())).setStep(end.label())
                    .setMessage(aborted ? ABORTED_MESSAGE : o.message());
            if (end == JobState.SUCCEEDED) {
                b.setPercent(100).setDone(b.getTotal());
            }
            if (o.report() != null) {
                b.setResult("report:" + b.getId());
            }
            if (end == JobState.FAILED) {
                b.setErrorCode(aborted ? "ABORTED" : o.errorCode());
            }
            return b.build();
        });
    }

    public static JobState state(Job j) {
        return MESSAGES.state(j);
    }
}
