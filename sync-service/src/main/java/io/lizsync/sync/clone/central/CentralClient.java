package io.lizsync.sync.clone.central;

import io.grpc.stub.StreamObserver;
import io.lizsync.grpckit.AnswerQueue;
import io.lizsync.grpckit.MessageSizeErrors;
import io.lizsync.grpckit.StreamReader;
import io.lizsync.proto.sync.v1.AckRequest;
import io.lizsync.proto.sync.v1.Change;
import io.lizsync.proto.sync.v1.ChangeBatch;
import io.lizsync.proto.sync.v1.ClockReading;
import io.lizsync.proto.sync.v1.ClockSample;
import io.lizsync.proto.sync.v1.ExchangeGrpc;
import io.lizsync.proto.sync.v1.HelloRequest;
import io.lizsync.proto.sync.v1.PullRequest;
import io.lizsync.proto.sync.v1.PushProgress;
import io.lizsync.proto.sync.v1.PushResult;
import io.lizsync.proto.sync.v1.TableFingerprint;
import io.lizsync.sync.clone.repository.CloneStore;
import io.lizsync.sync.config.SyncConfig;
import io.lizsync.sync.db.Catalog;
import io.lizsync.sync.grpc.GrpcErrors;
import io.lizsync.sync.engine.NetChange;
import io.lizsync.sync.engine.Routing;
import io.lizsync.sync.engine.TableRef;
import io.lizsync.sync.wire.ChangeCodec;
import io.lizsync.sync.wire.ChangeStream;
import io.lizsync.sync.wire.Wire;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The clone's exchange with central over its {@link CentralLink}: each step of a
 * session translated between gRPC messages and the engine's records (no proto type goes past
 * this class). Messages are sized by bytes both ways ({@link ChangeStream}).
 */
@ApplicationScoped
public class CentralClient {

    /** Pull batches requested ahead while one is applied. */
    private static final int PULL_BATCHES_AHEAD = 4;
    /** Push batches sent and not yet answered by central (each at most ChangeStream.BATCH_BYTES). */
    private static final int PUSH_WINDOW = 4;
    /** Clock samples per measurement: central keeps the one with the shortest round trip. */
    private static final int CLOCK_SAMPLES = 5;

    private final SyncConfig config;
    private final CentralLink link;

    CentralClient(SyncConfig config, CentralLink link) {
        this.config = config;
        this.link = link;
    }

    /** What hello answered. */
    public record Hello(String sessionId, String centralId, boolean redeployRequired, boolean upToDate,
            Assignment assignment) {
    }

    /** A deploy assigned to this clone through central (ADR 0015); {@code running}: already claimed. */
    public record Assignment(String jobId, String packageId, boolean force, boolean running) {
    }

    /** A claimed assignment: the job and its single-use registration ticket (a secret: never logged). */
    public record Claimed(String jobId, String packageId, boolean force, String ticket) {
        @Override
        public String toString() {
            return "Claimed[" + jobId + ", package " + packageId + (force ? ", forced" : "") + "]";
        }
    }

    /** How an assignment ended here; PROGRESS while it runs. */
    public enum Outcome {
        PROGRESS, SUCCEEDED, FAILED, CANCELLED
    }

    /** Central's answer to a report: the job is final there, a cancellation was asked. */
    public record ReportAnswer(boolean finalThere, boolean cancelRequested) {
    }

    /** Central's clock measurement: central's database clock minus ours, within ± uncertainty. */
    public record Clock(long offsetMs, long uncertaintyMs, int samples) {
    }

    /** What a push did on central. */
    public record Pushed(long applied, long conflicts, boolean pullNeeded, Long position) {
    }

    /** How sending a push went: net changes and batches sent, time encoding, time waiting for central. */
    public static final class PushStats {
        public long changes;
        public long batches;
        public long encodeNanos;
        public long waitNanos;
    }

    /** Reads a push from the local log, handing each net change to the sink; returns log rows read. */
    @FunctionalInterface
    public interface PushSource {
        long readInto(Consumer<NetChange> sink) throws Exception;
    }

    public Hello hello(CloneStore.Identity me, Collection<Catalog.TableShape> shapes) throws IOException {
        var request = HelloRequest.newBuilder().setCloneId(me.cloneId()).setToolsVersion(me.toolsVersion())
                .setCursor(me.tickId() == null ? "" : me.tickId().toString()).setNothingToPush(!me.hasLocalChanges())
                .setUnsentChanges(me.unsentChanges());
        if (me.oldestUnsentAt() != null) {
            request.setOldestUnsentAt(Wire.timestamp(me.oldestUnsentAt()));
        }
        for (Catalog.TableShape s : shapes) {
            request.addTables(TableFingerprint.newBuilder().setSchemaName(s.table().schema())
                    .setTableName(s.table().table()).setFingerprint(s.fingerprint()).addAllColumns(s.descriptions()));
        }
        var h = link.onceMoreIfUnavailable("hello", () -> exchange().hello(request.build()));
        var a = h.hasAssignment() ? new Assignment(h.getAssignment().getJobId(), h.getAssignment().getPackageId(),
                h.getAssignment().getForce(), h.getAssignment().getRunning()) : null;
        return new Hello(h.getSessionId(), h.getCentralId(), h.getRedeployRequired(), h.getUpToDate(), a);
    }

    /**
     * Central's measurement of our database clock: each sample carries {@code cloneClock} (this
     * database's clock) when sent and when central's answer to the previous one arrived (one
     * reading serves as both). Central computes the offset itself.
     */
    public Clock measureClock(String session, Supplier<Instant> cloneClock) throws Exception {
        AnswerQueue<ClockReading> answers = new AnswerQueue<>("central");
        long wait = config.central().deadlineSeconds();
        StreamObserver<ClockSample> out = ExchangeGrpc.newStub(link.channel()).withCallCredentials(link.credentials())
                .withDeadlineAfter(wait, TimeUnit.SECONDS).measureClock(answers);
        try {
            Instant reading = cloneClock.get();
            Instant previous = null;
            for (int i = 0; i < CLOCK_SAMPLES; i++) {
                var sample = ClockSample.newBuilder().setSessionId(session).setCloneSent(Wire.timestamp(reading));
                if (previous != null) {
                    sample.setPreviousReceived(Wire.timestamp(previous));
                }
                out.onNext(sample.build());
                answers.take(wait);
                reading = cloneClock.get();
                previous = reading;
            }
            out.onNext(ClockSample.newBuilder().setSessionId(session).setPreviousReceived(Wire.timestamp(previous))
                    .setLast(true).build());
            ClockReading r = answers.take(wait);
            out.onCompleted();
            return new Clock(r.getOffsetMs(), r.getUncertaintyMs(), r.getSamples());
        } catch (Exception | Error e) {
            out.onError(io.grpc.Status.CANCELLED.withDescription("clock measurement abandoned").asRuntimeException());
            throw e;
        }
    }

    /**
     * Sends a push as it is read from the log, in batches sized by bytes; central answers each
     * batch once applied and no more than {@link #PUSH_WINDOW} wait unanswered: neither side holds
     * more than a few batches, whatever the push holds.
     */
    public Pushed push(String session, String pushId, PushSource source, PushStats stats) throws Exception {
        CompletableFuture<PushResult> done = new CompletableFuture<>();
        Semaphore window = new Semaphore(PUSH_WINDOW);
        StreamObserver<ChangeBatch> out = ExchangeGrpc.newStub(link.channel()).withCallCredentials(link.credentials())
                .withDeadlineAfter(config.central().deadlineSeconds(), TimeUnit.SECONDS)
                .push(new StreamObserver<PushProgress>() {
                    @Override
                    public void onNext(PushProgress p) {
                        if (p.hasResult()) {
                            done.complete(p.getResult());
                        } else {
                            window.release();
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                        window.release(PUSH_WINDOW);
                    }

                    @Override
                    public void onCompleted() {
                        done.completeExceptionally(new IllegalStateException("central closed the push without a result"));
                        window.release(PUSH_WINDOW);
                    }
                });
        ChangeStream.Batcher batcher = new ChangeStream.Batcher(ChangeStream.BATCH_BYTES, ChangeStream.PART_BYTES,
                changes -> send(out, window, done, stats, ChangeBatch.newBuilder().setSessionId(session)
                        .setPushId(pushId).addAllChanges(changes).build()));
        try {
            source.readInto(n -> {
                long t0 = System.nanoTime();
                batcher.add(ChangeCodec.encode(n));
                stats.encodeNanos += System.nanoTime() - t0;
            });
            batcher.flush();
            stats.changes = batcher.changes();
        } catch (Exception e) {
            if (!done.isDone()) {
                out.onError(io.grpc.Status.CANCELLED.withDescription("the clone could not read its push")
                        .withCause(e).asRuntimeException());
                throw e;
            }
        }
        out.onCompleted();
        PushResult r;
        try {
            r = done.get(config.central().deadlineSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
        return new Pushed(r.getApplied(), r.getConflicts(), r.getPullNeeded(),
                r.getPosition().isEmpty() ? null : Long.parseLong(r.getPosition()));
    }

    private static void send(StreamObserver<ChangeBatch> out, Semaphore window, CompletableFuture<PushResult> done,
            PushStats stats, ChangeBatch batch) {
        long t1 = System.nanoTime();
        try {
            while (!window.tryAcquire(1, TimeUnit.SECONDS)) {
                if (done.isDone()) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending the push", e);
        }
        if (done.isDone()) {
            // Central already answered (a refusal): reading on would be for nothing.
            throw new IllegalStateException("central ended the push early");
        }
        stats.waitNanos += System.nanoTime() - t1;
        stats.batches++;
        out.onNext(batch);
    }

    /**
     * Starts the pull of the session: its net changes as they stream in (a few batches requested
     * ahead), parts joined. Close it when done; closing before the end cancels the call.
     *
     * @param self this clone and its own table list: a change of any other table is refused
     *             (whoever sent it, a tampered link or a central whose list differs), and with it
     *             the whole pull, before anything is committed
     */
    public Pull pull(String session, Routing.Destination self) {
        StreamReader<PullRequest, ChangeBatch> stream = new StreamReader<>(PULL_BATCHES_AHEAD,
                config.central().deadlineSeconds(), "central");
        ExchangeGrpc.newStub(link.channel()).withCallCredentials(link.credentials())
                .withDeadlineAfter(config.central().deadlineSeconds(), TimeUnit.SECONDS)
                .pull(PullRequest.newBuilder().setSessionId(session).build(), stream);
        return new Pull(stream, self);
    }

    /** A pull as it streams: net changes in replay order; {@link #position()} once all have arrived. */
    public static final class Pull implements CloneStore.Incoming, AutoCloseable {
        private final StreamReader<PullRequest, ChangeBatch> stream;
        private final Routing.Destination self;
        private final Iterator<ChangeBatch> batches;
        private final ChangeStream.Joiner joiner = new ChangeStream.Joiner();
        private final ArrayDeque<NetChange> ready = new ArrayDeque<>();
        private String position;
        private boolean last;

        Pull(StreamReader<PullRequest, ChangeBatch> stream, Routing.Destination self) {
            this.stream = stream;
            this.self = self;
            this.batches = stream.iterator();
        }

        @Override
        public boolean hasNext() {
            while (ready.isEmpty() && batches.hasNext()) {
                ChangeBatch b = batches.next();
                if (last) {
                    throw new IllegalStateException("central sent a batch after the last one");
                }
                position = b.getPosition();
                last = b.getLast();
                for (Change part : b.getChangesList()) {
                    Change whole = joiner.add(part);
                    if (whole != null) {
                        NetChange change = ChangeCodec.decode(whole, Duration.ZERO, null);
                        if (!self.takes(change.table())) {
                            throw new PulledTableRefused(change.table());
                        }
                        ready.add(change);
                    }
                }
            }
            return !ready.isEmpty();
        }

        @Override
        public NetChange next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.poll();
        }

        @Override
        public long position() {
            if (!last || position == null || joiner.incomplete()) {
                throw new IllegalStateException("the pull ended before central's last batch: nothing was applied");
            }
            try {
                return Long.parseLong(position);
            } catch (NumberFormatException e) {
                throw new IllegalStateException("central sent an invalid position '" + position + "'");
            }
        }

        @Override
        public void close() {
            stream.close();
        }
    }

    /** A pulled change of a table this clone does not synchronise: the pull is refused whole. */
    public static final class PulledTableRefused extends GrpcErrors.PreconditionException {
        PulledTableRefused(TableRef table) {
            super("central sent a change of table " + table + ", which this clone does not synchronise: the pull was"
                    + " refused and nothing was applied (a tampered link, or central's table list for this clone"
                    + " differs from the clone's; redeploy the clone if its table list changed)");
        }
    }

    public void acknowledge(String session, long position, long applied) {
        exchange().acknowledge(AckRequest.newBuilder().setSessionId(session).setPosition(Long.toString(position))
                .setApplied(applied).build());
    }

    /**
     * Registers this clone with central's exchange with its single-use registration ticket (ADR
     * 0013): as deployed from {@code packageId}, or attached (no package). Central's credential
     * goes to the state directory; the registration is returned (central's id, the cursor).
     */
    public io.lizsync.proto.sync.v1.RegisterCloneResponse register(String cloneId, List<TableRef> tables, String ticket,
            String packageId) throws IOException {
        var request = io.lizsync.proto.sync.v1.RegisterCloneRequest.newBuilder().setCloneId(cloneId)
                .setRegistrationTicket(ticket).setPackageId(packageId == null ? "" : packageId);
        for (TableRef t : tables) {
            request.addTables(io.lizsync.proto.sync.v1.TableName.newBuilder().setSchemaName(t.schema())
                    .setTableName(t.table()));
        }
        var reg = link.onceMoreIfUnavailable("registration", () -> ExchangeGrpc.newBlockingStub(link.channel())
                .withDeadlineAfter(config.deploy().centralTimeoutSeconds(), TimeUnit.SECONDS)
                .registerClone(request.build()));
        link.storeCredential(reg.getCredential());
        return reg;
    }

    /**
     * A refusal of a message for its size, explained (which side refused, the limit, the setting
     * to raise, or that the sender broke its own bound); any other error as it is.
     */
    public io.grpc.StatusRuntimeException explain(io.grpc.StatusRuntimeException e) {
        return MessageSizeErrors.Call.to("central at " + config.central().host() + ":" + config.central().port(),
                        "the exchange")
                .accepting(config.maxMessageBytes(), "lizsync.sync.max-message-bytes (LIZSYNC_SYNC_MAX_MESSAGE_BYTES)")
                .peerLimit("lizsync.sync.max-message-bytes of central's sync-service (LIZSYNC_SYNC_MAX_MESSAGE_BYTES)")
                .peerSends("batches of at most " + (ChangeStream.BATCH_BYTES >> 10) + " KiB")
                .explain(e);
    }

    /** Claims the assignment {@code jobId} (empty: whichever is open for this clone) and gets its ticket. */
    public Claimed claim(String jobId) throws IOException {
        var c = link.onceMoreIfUnavailable("claiming an assignment", () -> exchange().claimAssignment(
                io.lizsync.proto.sync.v1.ClaimAssignmentRequest.newBuilder().setJobId(jobId == null ? "" : jobId).build()));
        return new Claimed(c.getJobId(), c.getPackageId(), c.getForce(), c.getRegistrationTicket());
    }

    /** Reports an assignment's progress ({@link Outcome#PROGRESS}) or its outcome (with the credential held now). */
    public ReportAnswer report(String jobId, String step, long done, long total, String unit, int percent,
            Outcome outcome, String errorCode, String message) throws IOException {
        var r = io.lizsync.proto.sync.v1.AssignmentReport.newBuilder().setJobId(jobId).setStep(nz(step)).setDone(done)
                .setTotal(total).setUnit(nz(unit)).setPercent(percent).setErrorCode(nz(errorCode))
                .setMessage(nz(message)).setOutcome(switch (outcome) {
                    case PROGRESS -> io.lizsync.proto.sync.v1.AssignmentOutcome.ASSIGNMENT_OUTCOME_UNSPECIFIED;
                    case SUCCEEDED -> io.lizsync.proto.sync.v1.AssignmentOutcome.ASSIGNMENT_OUTCOME_SUCCEEDED;
                    case FAILED -> io.lizsync.proto.sync.v1.AssignmentOutcome.ASSIGNMENT_OUTCOME_FAILED;
                    case CANCELLED -> io.lizsync.proto.sync.v1.AssignmentOutcome.ASSIGNMENT_OUTCOME_CANCELLED;
                }).build();
        var answer = link.onceMoreIfUnavailable("reporting an assignment", () -> exchange().reportAssignment(r));
        var state = answer.getState();
        boolean done2 = state == io.lizsync.proto.jobs.v1.JobState.JOB_STATE_SUCCEEDED
                || state == io.lizsync.proto.jobs.v1.JobState.JOB_STATE_FAILED
                || state == io.lizsync.proto.jobs.v1.JobState.JOB_STATE_CANCELLED;
        return new ReportAnswer(done2, answer.getCancelRequested());
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private ExchangeGrpc.ExchangeBlockingStub exchange() {
        return ExchangeGrpc.newBlockingStub(link.channel()).withCallCredentials(link.credentials())
                .withDeadlineAfter(config.central().deadlineSeconds(), TimeUnit.SECONDS);
    }

}
