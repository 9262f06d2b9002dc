package io.lizsync.files.service;

import com.google.protobuf.Timestamp;
import io.lizsync.files.config.FilesConfig;
import io.lizsync.files.repository.FileJobStore;
import io.lizsync.grpckit.jobs.JobFanOut;
import io.lizsync.grpckit.jobs.JobId;
import io.lizsync.grpckit.jobs.JobPages;
import io.lizsync.grpckit.jobs.JobRetention;
import io.lizsync.grpckit.jobs.JobState;
import io.lizsync.grpckit.jobs.ProgressThrottle;
import io.lizsync.proto.files.v1.FileOperationReport;
import io.lizsync.proto.jobs.v1.Job;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * File operations as jobs ({@code lizsync.jobs.v1}, ids {@code files-<uuid>}): admitted (at most
 * {@code max-running-jobs} run, {@code max-waiting-jobs} wait, more are refused), answered QUEUED,
 * run on a worker thread. Each change is written to the job's file ({@link FileJobStore}) and sent
 * to its watchers ({@link JobFanOut}); progress at most every 250 ms or on a change of step. The
 * report of a job is written before its final state, so a finished job's report is always there.
 *
 * <p>At start the jobs of the previous run are read back; one found queued or running was
 * interrupted by file-service's stop and ends FAILED (ABORTED): what it transferred completely is
 * in place, a file it was writing stays under its temporary name and the next run resumes it.
 */
@ApplicationScoped
public class FileJobs {

    public static final String PREFIX = "files";

    private static final Logger LOG = Logger.getLogger(FileJobs.class);
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

    private static final class Entry {
        private Job job;
        private final ProgressThrottle throttle = new ProgressThrottle();
        private volatile boolean cancelRequested;
        private volatile Future<?> worker;

        Entry(Job job) {
            this.job = job;
        }
    }

    private final Map<String, Entry> jobs = new ConcurrentHashMap<>();
    private final JobFanOut<Job> watchers = new JobFanOut<>(j -> state(j).isTerminal());
    private final FileJobStore store;
    private final JobRetention retention;
    private final ExecutorService workers;
    private final int maxWaiting;
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile boolean stopping;

    @jakarta.inject.Inject
    FileJobs(FileJobStore store, FilesConfig config) throws IOException {
        this(store, config.ftp().maxRunningJobs(), config.ftp().maxWaitingJobs(), config.ftp().jobRetention(),
                config.ftp().maxFinishedJobs());
    }

    /** Jobs over a store (its jobs of a previous run read back). */
    public FileJobs(FileJobStore store, int maxRunning, int maxWaiting, Duration retention, int maxFinished)
            throws IOException {
        this.store = store;
        this.maxWaiting = maxWaiting;
        this.retention = new JobRetention(retention, maxFinished);
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(Math.max(1, maxRunning), r -> {
            Thread t = new Thread(r, "file-job-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        Instant now = Instant.now();
        for (Job job : store.loadAll()) {
            if (!state(job).isTerminal()) {
                job = job.toBuilder().setState(proto(JobState.FAILED)).setErrorCode("ABORTED").setStep("aborted")
                        .setMessage(ABORTED_MESSAGE).setFinishedAt(timestamp(now)).build();
                store.save(job);
                LOG.warnf("job %s was interrupted by a stop of file-service: marked FAILED (ABORTED)", job.getId());
            }
            jobs.put(job.getId(), new Entry(job));
        }
        prune(now);
    }

    /** Stops the running jobs (each ends FAILED/ABORTED with what it did) and waits a little for them to say so. */
    @PreDestroy
    void stop() {
        stopping = true;
        workers.shutdownNow();
        try {
            workers.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Queues a job and answers it QUEUED at once.
     *
     * @throws JobQueueFullException when too many jobs wait
     */
    public Job start(String kind, String subject, String login, Work work) throws IOException {
        if (waiting.incrementAndGet() > maxWaiting) {
            waiting.decrementAndGet();
            throw new JobQueueFullException(maxWaiting);
        }
        String id = JobId.create(PREFIX).toString();
        Job job = Job.newBuilder().setId(id).setKind(kind).setSubject(subject).setState(proto(JobState.QUEUED))
                .setStep("queued").setUnit("bytes").setPercent(-1).setCreatedBy(login)
                .setCreatedAt(timestamp(Instant.now())).setMessage("waiting for its turn").build();
        Entry entry = new Entry(job);
        try {
            store.save(job);
        } catch (IOException e) {
            waiting.decrementAndGet();
            throw e;
        }
        jobs.put(id, entry);
        synchronized (entry) {
            entry.worker = workers.submit(() -> run(entry, work));
        }
        LOG.infof("job %s (%s, %s) queued by %s", id, kind, subject, login);
        return job;
    }

    public Job get(String jobId) {
        Entry e = require(jobId);
        synchronized (e) {
            return e.job;
        }
    }

    /** The report of a finished job. */
    public FileOperationReport report(String jobId) throws IOException {
        Job job = get(jobId);
        if (!state(job).isTerminal()) {
            throw new JobNotFinishedException(job.getId());
        }
        Optional<FileOperationReport> report = store.report(job.getId());
        return report.orElseThrow(() -> new JobNotFoundException(job.getId(), "job " + job.getId()
                + " has no report (it ended before it could list anything: " + job.getMessage() + ")"));
    }

    public JobPages.Page<Job> list(String kind, String subject, int pageSize, String pageToken) {
        List<Job> all = jobs.values().stream().map(e -> {
            synchronized (e) {
                return e.job;
            }
        }).toList();
        return JobPages.page(all, FileJobs::key,
                j -> (kind.isEmpty() || kind.equals(j.getKind())) && (subject.isEmpty() || subject.equals(j.getSubject())),
                PREFIX, pageSize, pageToken);
    }

    public void watch(String jobId, JobFanOut.Sink<Job> sink) {
        Entry e = require(jobId);
        synchronized (e) {
            watchers.watch(e.job.getId(), e.job, sink);
        }
    }

    /**
     * Cancels a job: a queued one at once; a running one between two buffers of its current
     * file (the file's part stays for a later run) and it ends CANCELLED with its report.
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
                            .setMessage("cancelled before it started; nothing was transferred"));
                    if (e.worker != null && e.worker.cancel(false)) {
                        waiting.decrementAndGet();
                    }
                }
                case STOP_AT_SAFE_POINT -> {
                    e.cancelRequested = true;
                    update(e, b -> b.setCancelRequested(true)
                            .setMessage("cancellation asked: the transfer stops after its current buffer"));
                }
                case ALREADY_FINISHED -> throw new JobFinishedException(e.job.getId(), now.name());
            }
            return e.job;
        }
    }

    private void run(Entry e, Work work) {
        synchronized (e) {
            waiting.decrementAndGet();
            if (state(e.job) != JobState.QUEUED) {
                return;
            }
            update(e, b -> b.setState(proto(JobState.RUNNING)).setStartedAt(timestamp(Instant.now())).setStep("start")
                    .setMessage("running"));
        }
        Outcome outcome;
        try {
            outcome = work.run(new Context() {
                @Override
                public String jobId() {
                    return e.job.getId();
                }

                @Override
                public void progress(String step, long done, long total) {
                    if (!e.throttle.pass(step, System.nanoTime())) {
                        return;
                    }
                    synchronized (e) {
                        if (state(e.job) == JobState.RUNNING) {
                            int percent = total > 0 ? (int) Math.min(99, done * 100 / total) : -1;
                            update(e, b -> b.setStep(step).setDone(done).setTotal(total).setPercent(percent));
                        }
                    }
                }

                @Override
                public boolean cancelled() {
                    return e.cancelRequested || stopping;
                }
            });
        } catch (Exception unexpected) {
            if (stopping) {
                LOG.debugf("job %s interrupted by the stop: %s", e.job.getId(), unexpected);
            } else {
                LOG.errorf(unexpected, "job %s failed unexpectedly", e.job.getId());
            }
            outcome = new Outcome(JobState.FAILED, "INTERNAL", "internal error: " + unexpected.getClass().getSimpleName()
                    + " (in file-service's log)", null);
        }
        finish(e, outcome);
    }

    private void finish(Entry e, Outcome o) {
        if (o.report() != null) {
            try {
                store.saveReport(o.report().toBuilder().setJobId(e.job.getId()).setKind(e.job.getKind()).build());
            } catch (IOException io) {
                LOG.errorf("job %s: cannot write its report to %s: %s", e.job.getId(), store.directory(), io.getMessage());
            }
        }
        synchronized (e) {
            if (state(e.job).isTerminal()) {
                return;
            }
            boolean aborted = stopping && o.state() != JobState.SUCCEEDED;
            JobState end = aborted ? JobState.FAILED : o.state();
            update(e, b -> {
                b.setState(proto(JobState.RUNNING.moveTo(end))).setFinishedAt(timestamp(Instant.now()))
                        .setStep(end.label()).setMessage(aborted ? ABORTED_MESSAGE : o.message());
                if (end == JobState.SUCCEEDED) {
                    b.setPercent(100).setDone(b.getTotal());
                }
                if (o.report() != null) {
                    b.setResult("report:" + b.getId());
                }
                if (end == JobState.FAILED) {
                    b.setErrorCode(aborted ? "ABORTED" : o.errorCode());
                }
                return b;
            });
        }
        prune(Instant.now());
    }

    private void update(Entry e, UnaryOperator<Job.Builder> change) {
        Job next = change.apply(e.job.toBuilder()).build();
        e.job = next;
        try {
            store.save(next);
        } catch (IOException io) {
            LOG.errorf("job %s: cannot write its state to %s: %s", next.getId(), store.directory(), io.getMessage());
        }
        watchers.publish(next.getId(), next);
    }

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
                store.delete(j.getId());
            } catch (IOException io) {
                LOG.warnf("job %s: cannot delete its files: %s", j.getId(), io.getMessage());
            }
        }
    }

    private Entry require(String jobId) {
        String id = JobId.parse(PREFIX, jobId).toString();
        Entry e = jobs.get(id);
        if (e == null) {
            throw new JobNotFoundException(id, "no job " + id);
        }
        return e;
    }

    private static JobPages.Key key(Job j) {
        return new JobPages.Key(instant(j.getCreatedAt()), j.getId());
    }

    public static JobState state(Job j) {
        return JobState.valueOf(j.getState().name().substring("JOB_STATE_".length()));
    }

    private static io.lizsync.proto.jobs.v1.JobState proto(JobState s) {
        return io.lizsync.proto.jobs.v1.JobState.valueOf("JOB_STATE_" + s.name());
    }

    static Timestamp timestamp(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }

    private static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }
}
