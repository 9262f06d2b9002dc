package io.lizsync.sync.clone;

import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.StreamObserver;
import io.lizsync.proto.sync.v1.AckRequest;
import io.lizsync.proto.sync.v1.ChangeBatch;
import io.lizsync.proto.sync.v1.ClockReading;
import io.lizsync.proto.sync.v1.ExchangeGrpc;
import io.lizsync.proto.sync.v1.HelloRequest;
import io.lizsync.proto.sync.v1.PullRequest;
import io.lizsync.proto.sync.v1.PushProgress;
import io.lizsync.proto.sync.v1.PushResult;
import io.lizsync.sync.config.SyncConfig;
import io.lizsync.sync.wire.ChangeCodec;
import io.lizsync.sync.wire.ChangeStream;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * Runs sync sessions of this clone against central, one at a time (on demand, on schedule and
 * from SQL all go through here): hello, push, pull, apply with the new cursor, acknowledge.
 * Every step can fail and be retried by the next session without loss or duplicate: a push is
 * re-sent with its id until central confirms it, a pull counts only once applied locally with its
 * cursor, and a lost acknowledgement is repaired at the next hello.
 */
@ApplicationScoped
public class SyncRunner {

    private static final Logger LOG = Logger.getLogger(SyncRunner.class);
    /** Pull batches requested ahead while one is applied. */
    private static final int PULL_BATCHES_AHEAD = 4;

    private final SyncConfig config;
    private final CloneStore store;
    private final ClockProbe clocks;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile ManagedChannel channel;

    SyncRunner(SyncConfig config, CloneStore store, ClockProbe clocks) {
        this.config = config;
        this.store = store;
        this.clocks = clocks;
    }

    /** Counts of one session. */
    public record Outcome(long toCentral, long toClone, long conflicts, long durationMs) {
    }

    public Outcome synchronize() throws Exception {
        if (config.role() != SyncConfig.Role.clone) {
            throw new IllegalStateException("synchronize runs on a clone sidecar, not on central");
        }
        return exclusive(this::session);
    }

    /** Runs work while no sync session (nor another deploy) of this clone runs. */
    public <T> T exclusive(java.util.concurrent.Callable<T> work) throws Exception {
        if (!lock.tryLock(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("another sync session or deploy of this clone is still running");
        }
        try {
            return work.call();
        } finally {
            lock.unlock();
        }
    }

    /** What a deploy done without central must still tell central at the first contact. */
    private Path pendingRegistrationFile() {
        return Path.of(config.stateDir(), "pending-registration");
    }

    /** True while an offline deploy has not yet been announced to central. */
    public boolean registrationIsPending() {
        return Files.isRegularFile(pendingRegistrationFile());
    }

    /** Records that central must still register this clone (offline deploy) from the package's history item. */
    void registrationPending(String historySyncId) throws IOException {
        Files.createDirectories(Path.of(config.stateDir()));
        Files.writeString(pendingRegistrationFile(), historySyncId);
    }

    /**
     * Registers this clone with central as deployed from a package: its cursor starts at the
     * package's position; central issues the exchange credential, kept in the state directory.
     */
    void register(CloneStore.Identity me, String cloneName, String historySyncId) throws IOException {
        var request = io.lizsync.proto.sync.v1.RegisterCloneRequest.newBuilder().setCloneId(me.cloneId())
                .setCloneName(cloneName).setPackageHistorySyncId(historySyncId);
        for (var t : me.tables()) {
            request.addTables(io.lizsync.proto.sync.v1.TableName.newBuilder().setSchemaName(t.schema())
                    .setTableName(t.table()));
        }
        var reg = onceMoreIfUnavailable("registration", () -> io.lizsync.proto.sync.v1.CentralAdminGrpc
                .newBlockingStub(channel()).withDeadlineAfter(config.deploy().centralTimeoutSeconds(), TimeUnit.SECONDS)
                .registerClone(request.build()));
        storeCredential(reg.getCredential());
        Files.deleteIfExists(pendingRegistrationFile());
    }

    private void registerIfPending(CloneStore.Identity me) throws IOException {
        Path pending = pendingRegistrationFile();
        if (Files.isRegularFile(pending)) {
            String item = Files.readString(pending).trim();
            LOG.infof("first contact with central since an offline deploy: registering clone %s", me.cloneId());
            register(me, store.cloneName(), item);
        }
    }

    /**
     * The first call of a session to central, tried once more when central was unavailable: right
     * after central restarts (a rolling update, a failover) the channel may still be failing on a
     * connection attempt begun while it was down, or waiting out its reconnect backoff.
     */
    private <T> T onceMoreIfUnavailable(String what, java.util.function.Supplier<T> call) throws IOException {
        try {
            return call.get();
        } catch (io.grpc.StatusRuntimeException e) {
            if (e.getStatus().getCode() != io.grpc.Status.Code.UNAVAILABLE) {
                throw e;
            }
            LOG.debugf("%s: central unavailable (%s), trying once more", what, e.getStatus().getDescription());
        }
        channel().resetConnectBackoff();
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return call.get();
    }

    private Outcome session() throws Exception {
        long start = System.nanoTime();
        // After a long outage the channel may be waiting out its reconnect backoff: try at once.
        // (Only then: resetting a ready channel re-resolves the address and delays the next call.)
        if (channel().getState(false) == io.grpc.ConnectivityState.TRANSIENT_FAILURE) {
            channel().resetConnectBackoff();
        }
        CloneStore.Identity me = store.identity();
        long tIdentity = System.nanoTime();
        registerIfPending(me);
        var fingerprints = store.fingerprints(me.tables());
        long tFingerprints = System.nanoTime();
        ExchangeGrpc.ExchangeBlockingStub blocking = ExchangeGrpc.newBlockingStub(channel())
                .withCallCredentials(credentials()).withDeadlineAfter(config.central().deadlineSeconds(), TimeUnit.SECONDS);
        var hello = onceMoreIfUnavailable("hello", () -> {
            return blocking.hello(HelloRequest.newBuilder()
                    .setCloneId(me.cloneId())
                    .setToolsVersion(me.toolsVersion())
                    .addAllTables(fingerprints)
                    .setCursor(me.tickId() == null ? "" : me.tickId().toString())
                    .setNothingToPush(!me.hasLocalChanges())
                    .build());
        });
        if (hello.getRedeployRequired()) {
            throw new IllegalStateException("central says this clone fell behind its log retention: deploy a new package");
        }
        if (me.centralId() != null && !me.centralId().equals(hello.getCentralId())) {
            throw new IllegalStateException("this clone belongs to central " + me.centralId() + ", not to "
                    + hello.getCentralId());
        }
        if (hello.getUpToDate()) {
            // Nothing either way: central recorded the session as complete at hello.
            long tHelloDone = System.nanoTime();
            store.recordSync(null);
            long ms = (System.nanoTime() - start) / 1_000_000;
            LOG.debugf("sync session done: up to date, %d ms (identity %d us, fingerprints %d us, hello %d us, record %d us)",
                    ms, (tIdentity - start) / 1000, (tFingerprints - tIdentity) / 1000, (tHelloDone - tFingerprints) / 1000,
                    (System.nanoTime() - tHelloDone) / 1000);
            return new Outcome(0, 0, 0, ms);
        }
        String session = hello.getSessionId();
        long tHello = System.nanoTime();

        long toCentral = 0;
        long conflicts = 0;
        long tRead = System.nanoTime();
        CloneStore.Push push = store.nextPush();
        long tReadDone = System.nanoTime();
        if (push != null) {
            // Central measures our database clock against its own before it takes our edit times.
            ClockReading clock = clocks.measure(channel(), credentials(), session, config.central().deadlineSeconds());
            LOG.debugf("clock offset measured by central: %d ms +- %d ms (%d samples)", clock.getOffsetMs(),
                    clock.getUncertaintyMs(), clock.getSamples());
            PushStats stats = new PushStats();
            PushResult result = push(session, push, me.cloneId(), stats);
            long tSent = System.nanoTime();
            crashPoint("after-push");
            toCentral = result.getApplied();
            conflicts = result.getConflicts();
            store.completePush(push.pushId());
            LOG.debugf("push of %d event(s) as %d change(s) in %d batch(es): opened %d ms, read, sent and applied %d ms "
                    + "(encoding %d ms, waiting for central %d ms), completed %d ms", stats.events, stats.changes,
                    stats.batches,
                    (tReadDone - tRead) / 1_000_000, (tSent - tReadDone) / 1_000_000, stats.encodeNanos / 1_000_000,
                    stats.waitNanos / 1_000_000, (System.nanoTime() - tSent) / 1_000_000);
            if (!result.getPullNeeded()) {
                // Central has nothing this clone has not seen: the push completed the session.
                store.recordSync(result.getPosition().isEmpty() ? null : Long.parseLong(result.getPosition()));
                long ms = (System.nanoTime() - start) / 1_000_000;
                LOG.infof("sync session done: %d change(s) to central, nothing to pull, %d conflict(s), %d ms "
                        + "(hello %d, push %d)", toCentral, conflicts, ms, (tHello - start) / 1_000_000,
                        (System.nanoTime() - tHello) / 1_000_000);
                return new Outcome(toCentral, 0, conflicts, ms);
            }
        }

        long tPush = System.nanoTime();
        // The stream is applied while it arrives; if applying fails, the call is cancelled at once.
        CloneStore.Applied pulled;
        try (StreamReader<PullRequest, ChangeBatch> stream = new StreamReader<>(PULL_BATCHES_AHEAD,
                config.central().deadlineSeconds(), "central")) {
            ExchangeGrpc.newStub(channel()).withCallCredentials(credentials())
                    .withDeadlineAfter(config.central().deadlineSeconds(), TimeUnit.SECONDS)
                    .pull(PullRequest.newBuilder().setSessionId(session).build(), stream);
            pulled = store.applyPull(stream.iterator());
        }
        long toClone = pulled.applied();
        String position = Long.toString(pulled.tickId());
        long tApply = System.nanoTime();
        crashPoint("after-apply");
        blocking.acknowledge(AckRequest.newBuilder().setSessionId(session).setPosition(position).setApplied(toClone)
                .build());
        long ms = (System.nanoTime() - start) / 1_000_000;
        LOG.infof("sync session done: %d change(s) to central, %d to clone, %d conflict(s), %d ms "
                + "(hello %d, push %d, pull and apply %d, ack %d)", toCentral, toClone, conflicts, ms,
                (tHello - start) / 1_000_000, (tPush - tHello) / 1_000_000, (tApply - tPush) / 1_000_000,
                (System.nanoTime() - tApply) / 1_000_000);
        return new Outcome(toCentral, toClone, conflicts, ms);
    }

    /** What sending a push took: log rows read, net changes and batches sent, time encoding, time waiting for central. */
    private static final class PushStats {
        long events;
        long batches;
        long changes;
        long encodeNanos;
        long waitNanos;
    }

    /** Batches a push may have sent and central not yet answered (each at most ChangeStream.BATCH_BYTES). */
    private static final int PUSH_WINDOW = 4;

    /**
     * Sends the push as it is read from the log, in batches sized by bytes; central answers each
     * batch once applied, and no more than {@link #PUSH_WINDOW} wait unanswered: neither side
     * holds more than a few batches, whatever the push holds.
     */
    private PushResult push(String session, CloneStore.Push push, String cloneId, PushStats stats) throws Exception {
        CompletableFuture<PushResult> done = new CompletableFuture<>();
        java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(PUSH_WINDOW);
        StreamObserver<ChangeBatch> out = ExchangeGrpc.newStub(channel()).withCallCredentials(credentials())
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
                changes -> {
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
                    out.onNext(ChangeBatch.newBuilder().setSessionId(session).setPushId(push.pushId())
                            .addAllChanges(changes).build());
                });
        try {
            stats.events = store.readPush(push, cloneId, n -> {
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
        try {
            return done.get(config.central().deadlineSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }

    private void crashPoint(String point) {
        if (config.testCrashPoint().filter(point::equals).isPresent()) {
            LOG.warnf("fault injection: halting at %s", point);
            Runtime.getRuntime().halt(137);
        }
    }

    ManagedChannel channel() {
        ManagedChannel c = channel;
        if (c == null) {
            synchronized (this) {
                if (channel == null) {
                    var b = ManagedChannelBuilder.forAddress(config.central().host(), config.central().port())
                            .maxInboundMessageSize(ChangeStream.MAX_MESSAGE_BYTES);
                    if (config.central().tls()) {
                        b.useTransportSecurity();
                    } else {
                        b.usePlaintext();
                    }
                    channel = b.build();
                }
                c = channel;
            }
        }
        return c;
    }

    /** The credential, from configuration or the sidecar's state directory. */
    String credential() {
        if (config.credential().isPresent() && !config.credential().get().isBlank()) {
            return config.credential().get().trim();
        }
        Path file = Path.of(config.stateDir(), "credential");
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new IllegalStateException("no exchange credential: attach or deploy this clone first (looked in "
                    + file + ")");
        }
    }

    void storeCredential(String credential) throws IOException {
        Path dir = Path.of(config.stateDir());
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "credential", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, credential);
        Files.move(tmp, dir.resolve("credential"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private CallCredentials credentials() {
        String credential = credential();
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                Metadata m = new Metadata();
                m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + credential);
                applier.apply(m);
            }
        };
    }

    @PreDestroy
    void close() {
        if (channel != null) {
            channel.shutdownNow();
        }
    }
}
