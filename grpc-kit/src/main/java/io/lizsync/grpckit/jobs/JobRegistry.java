package io.lizsync.grpckit.jobs;

import com.google.protobuf.Message;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * The jobs of one service ({@code lizsync.jobs.v1}), written once for packaging-service's builds and
 * file-service's transfers: admission (at most {@code maxRunning} run, {@code maxWaiting} wait,
 * more are refused at once), a worker pool, the job's states ({@link JobState}), each change written
 * to its file ({@link JobStore}) and then sent to its watchers ({@link JobFanOut}), cancellation, the
 * retention of finished jobs ({@link JobRetention}) and paging ({@link JobPages}).
 *
 * <p>At start the jobs of the previous run are read back; one found queued or running was
 * interrupted by the stop and ends FAILED (error ABORTED) with the service's explanation.
 *
 * <p>Every change of one job happens under its {@link Handle}'s lock, its file write and its
 * publication included, so files and watchers see the changes in order. What a job does is the
 * service's {@link Work}: it reports through its handle and ends it with {@link Handle#finish}.
 *
 * @param <J> the service's generated {@code Job}
 */
public final class JobRegistry<J extends Message> implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(JobRegistry.class);

    /**
     * How a service's jobs behave and what they say: the id prefix, the worker threads' name, the
     * limits, and the messages of an interrupted job, a full queue, a cancelled queued job and a
     * cancellation asked of a running one; {@code firstStep} is the step of a job when it starts.
     */
    public record Settings(String service, String prefix, int maxRunning, int maxWaiting, Duration retention,
            int maxFinished, String firstStep, String abortedMessage, String queueFullMessage,
            String cancelledQueuedMessage, String cancelAskedMessage) {
        public Settings {
            if (maxRunning < 1 || maxWaiting < 0) {
                throw new IllegalArgumentException("jobs: at least one runs, zero or more wait");
            }
        }
    }

    /** What a job does once its turn comes (on a worker thread). */
    @FunctionalInterface
    public interface Work<J extends Message> {
        void run(JobRegistry<J>.Handle job) throws Exception;
    }

    private final Settings settings;
    private final JobMessages<J> messages;
    private final JobStore<J> store;
    private final JobRetention retention;
    private final Map<String, Handle> jobs = new ConcurrentHashMap<>();
    private final JobFanOut<J> watchers;
    private final ExecutorService workers;
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private volatile boolean stopping;

    /** The registry over {@code store}, its jobs of a previous run read back (unfinished ones failed). */
    public JobRegistry(Settings settings, JobStore<J> store, JobMessages<J> messages) throws IOException {
        if (!settings.prefix().equals(store.prefix())) {
            throw new IllegalArgumentException("the store keeps " + store.prefix() + " jobs, not " + settings.prefix());
        }
        this.settings = settings;
        this.messages = messages;
        this.store = store;
        this.retention = new JobRetention(settings.retention(), settings.maxFinished());
        this.watchers = new JobFanOut<>(j -> messages.state(j).isTerminal());
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(settings.maxRunning(), r -> {
            Thread t = new Thread(r, settings.prefix() + "-job-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        Instant now = Instant.now();
        for (J job : store.loadAll()) {
            if (!messages.state(job).isTerminal()) {
                job = messages.with(job, e -> e.state(JobState.FAILED).errorCode("ABORTED").step("aborted")
                        .message(settings.abortedMessage()).finishedAt(now));
                store.save(job);
                LOG.warnf("job %s was interrupted by a stop of %s: marked FAILED (ABORTED)", messages.id(job),
                        settings.service());
            }
            jobs.put(messages.id(job), new Handle(job));
        }
        prune(now);
    }

    public JobMessages<J> messages() {
        return messages;
    }

    public JobStore<J> store() {
        return store;
    }

    /** A new job id of this registry's prefix. */
    public String newId() {
        return JobId.create(settings.prefix()).toString();
    }

    /**
     * Admits {@code queued} (a QUEUED job with a {@link #newId()}), writes it and runs {@code work}
     * when its turn comes. {@code onCancelledWhileQueued} runs when it is cancelled before it starts.
     *
     * @throws JobQueueFullException when {@code maxWaiting} jobs wait already
     */
    public Handle start(J queued, Work<J> work, Runnable onCancelledWhileQueued) throws IOException {
        if (waiting.incrementAndGet() > settings.maxWaiting() + settings.maxRunning() - running.get()) {
            waiting.decrementAndGet();
            throw new JobQueueFullException(settings.queueFullMessage());
        }
        Handle h = new Handle(queued);
        h.onCancelledWhileQueued = onCancelledWhileQueued;
        try {
            store.save(queued);
        } catch (IOException e) {
            waiting.decrementAndGet();
            throw e;
        }
        jobs.put(h.id, h);
        synchronized (h) {
            h.worker = workers.submit(() -> run(h, work));
        }
        return h;
    }

    /** One job. */
    public J get(String jobId) {
        Handle h = require(jobId);
        synchronized (h) {
            return h.job;
        }
    }

    /** A page of jobs, newest first, of one kind and/or subject when given. */
    public JobPages.Page<J> list(String kind, String subject, int pageSize, String pageToken) {
        return JobPages.page(all(), messages::key, j -> (kind.isEmpty() || kind.equals(messages.kind(j)))
                && (subject.isEmpty() || subject.equals(messages.subject(j))), settings.prefix(), pageSize, pageToken);
    }

    /** Sends the job now, then each change, until its final state ({@link JobFanOut}). */
    public void watch(String jobId, JobFanOut.Sink<J> sink) {
        Handle h = require(jobId);
        synchronized (h) {
            watchers.watch(h.id, h.job, sink);
        }
    }

    /**
     * Cancels a job: a queued one at once, a running one at its next safe point (it may finish
     * first, when it is past the last one).
     *
     * @throws JobFinishedException when the job is over
     */
    public J cancel(String jobId) {
        Handle h = require(jobId);
        synchronized (h) {
            JobState now = messages.state(h.job);
            switch (now.onCancel()) {
                case CANCELLED_NOW -> {
                    h.cancelRequested = true;
                    h.change(j -> messages.with(j, e -> e.state(now.moveTo(JobState.CANCELLED)).cancelRequested()
                            .step("cancelled").finishedAt(Instant.now()).message(settings.cancelledQueuedMessage())));
                    if (h.worker != null && h.worker.cancel(false)) {
                        waiting.decrementAndGet();
                    }
                    if (h.onCancelledWhileQueued != null) {
                        h.onCancelledWhileQueued.run();
                    }
                }
                case STOP_AT_SAFE_POINT -> {
                    h.cancelRequested = true;
                    h.change(j -> messages.with(j, e -> e.cancelRequested().message(settings.cancelAskedMessage())));
                }
                case ALREADY_FINISHED -> throw new JobFinishedException("job " + h.id + " is " + now.name()
                        + " already: nothing to cancel");
            }
            LOG.infof("job %s: cancellation asked while %s", h.id, now);
            return h.job;
        }
    }

    /** Stops the running jobs (each sees {@link Handle#stopping()} and an interrupt) and waits a little. */
    @Override
    public void close() {
        stopping = true;
        workers.shutdownNow();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(Handle h, Work<J> work) {
        synchronized (h) {
            // Counted as running before it stops counting as waiting: admission never sees a free place twice.
            running.incrementAndGet();
            waiting.decrementAndGet();
            if (messages.state(h.job) != JobState.QUEUED) {
                running.decrementAndGet();
                return; // cancelled while it waited
            }
            h.change(j -> messages.with(j, e -> e.state(JobState.RUNNING).startedAt(Instant.now())
                    .step(settings.firstStep()).message("running")));
        }
        try {
            work.run(h);
        } catch (Exception unexpected) {
            if (stopping) {
                LOG.debugf("job %s interrupted by the stop: %s", h.id, unexpected);
            } else {
                LOG.errorf(unexpected, "job %s failed unexpectedly", h.id);
            }
            h.finish(j -> messages.with(j, e -> e.state(JobState.FAILED).finishedAt(Instant.now())
                    .errorCode(stopping ? "ABORTED" : "INTERNAL").message(stopping ? settings.abortedMessage()
                            : "internal error: " + unexpected.getClass().getSimpleName() + " (in " + settings.service()
                                    + "'s log)")));
        } finally {
            running.decrementAndGet();
        }
        if (!messages.state(h.job()).isTerminal()) {
            LOG.errorf("job %s: its work ended without an outcome", h.id);
            h.finish(j -> messages.with(j, e -> e.state(JobState.FAILED).finishedAt(Instant.now())
                    .errorCode("INTERNAL").message("internal error: the job ended without an outcome")));
        }
    }

    /** Forgets finished jobs older than the retention, and all but the newest {@code maxFinished}. */
    private synchronized void prune(Instant now) {
        for (J j : retention.toForget(all(), j -> new JobRetention.Facts(messages.key(j), messages.state(j),
                messages.finishedAt(j)), now)) {
            String id = messages.id(j);
            jobs.remove(id);
            try {
                store.delete(id);
            } catch (IOException io) {
                LOG.warnf("job %s: cannot delete its files: %s", id, io.getMessage());
            }
        }
    }

    private List<J> all() {
        return jobs.values().stream().map(Handle::job).toList();
    }

    private Handle require(String jobId) {
        String id = JobId.parse(settings.prefix(), jobId).toString();
        Handle h = jobs.get(id);
        if (h == null) {
            throw new JobNotFoundException("no job " + id);
        }
        return h;
    }

    /** One job of this process; also its lock. */
    public final class Handle {
        private final String id;
        private final ProgressThrottle throttle = new ProgressThrottle();
        private J job;
        private volatile boolean cancelRequested;
        private volatile Future<?> worker;
        private Runnable onCancelledWhileQueued;

        private Handle(J job) {
            this.job = job;
            this.id = messages.id(job);
        }

        public String id() {
            return id;
        }

        public synchronized J job() {
            return job;
        }

        public JobState state() {
            return messages.state(job());
        }

        /** True once a cancellation was asked. */
        public boolean cancelRequested() {
            return cancelRequested;
        }

        /** True once the service stops (the job is interrupted; it ends FAILED/ABORTED). */
        public boolean stopping() {
            return stopping;
        }

        /** Progress passes at most every 250 ms, or on a change of step. */
        public boolean progressDue(String step) {
            return throttle.pass(step, System.nanoTime());
        }

        /** Changes a running job (progress); nothing when it is not running any more. */
        public synchronized void updateIfRunning(UnaryOperator<J> change) {
            if (messages.state(job) == JobState.RUNNING) {
                change(change);
            }
        }

        /** Ends the job; false (nothing changed) when it had ended already. Forgets jobs past the retention. */
        public boolean finish(UnaryOperator<J> change) {
            synchronized (this) {
                if (messages.state(job).isTerminal()) {
                    return false;
                }
                J next = change.apply(job);
                messages.state(job).moveTo(messages.state(next));
                change(j -> next);
            }
            prune(Instant.now());
            return true;
        }

        /** The new state is written down, then sent to the job's watchers (the lock held). */
        private void change(UnaryOperator<J> change) {
            J next = change.apply(job);
            job = next;
            try {
                store.save(next);
            } catch (IOException io) {
                // The job goes on; its state is still served from memory. A restart would show the last written one.
                LOG.errorf("job %s: cannot write its state to %s: %s", id, store.directory(), io.getMessage());
            }
            watchers.publish(id, next);
        }
    }
}
