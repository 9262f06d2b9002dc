package io.lizsync.sync.clone.central;

import io.lizsync.grpckit.PrivateDirs;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
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
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The clone's transport to central: the channel, the exchange credential, and each step of a
 * session translated between gRPC messages and the engine's records (no proto type goes past
 * this class). Messages are sized by bytes both ways ({@link ChangeStream}).
 */
@ApplicationScoped
public class CentralClient {

    private static final Logger LOG = Logger.getLogger(CentralClient.class);
    /** Pull batches requested ahead while one is applied. */
    private static final int PULL_BATCHES_AHEAD = 4;
    /** Push batches sent and not yet answered by central (each at most ChangeStream.BATCH_BYTES). */
    private static final int PUSH_WINDOW = 4;
    /** Clock samples per measurement: central keeps the one with the shortest round trip. */
    private static final int CLOCK_SAMPLES = 5;

    private final SyncConfig config;
    private volatile ManagedChannel channel;
    private volatile ManagedChannel adminChannel;

    CentralClient(SyncConfig config) {
        this.config = config;
    }

    /** What hello answered. */
    public record Hello(String sessionId, String centralId, boolean redeployRequired, boolean upToDate) {
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
                .setCursor(me.tickId() == null ? "" : me.tickId().toString()).setNothingToPush(!me.hasLocalChanges());
        for (Catalog.TableShape s : shapes) {
            request.addTables(TableFingerprint.newBuilder().setSchemaName(s.table().schema())
                    .setTableName(s.table().table()).setFingerprint(s.fingerprint()).addAllColumns(s.descriptions()));
        }
        var h = onceMoreIfUnavailable("hello", () -> exchange().hello(request.build()));
        return new Hello(h.getSessionId(), h.getCentralId(), h.getRedeployRequired(), h.getUpToDate());
    }

    /**
     * Central's measurement of our database clock: each sample carries {@code cloneClock} (this
     * database's clock) when sent and when central's answer to the previous one arrived (one
     * reading serves as both). Central computes the offset itself.
     */
    public Clock measureClock(String session, Supplier<Instant> cloneClock) throws Exception {
        AnswerQueue<ClockReading> answers = new AnswerQueue<>("central");
        long wait = config.central().deadlineSeconds();
        StreamObserver<ClockSample> out = ExchangeGrpc.newStub(channel()).withCallCredentials(credentials())
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
        ExchangeGrpc.newStub(channel()).withCallCredentials(credentials())
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
     * Registers this clone with central as deployed from a package (its cursor starts at the
     * package's position), with the access token of the operator behind it (RegisterClone is
     * theirs); central's credential goes to the state directory.
     */
    public void register(CloneStore.Identity me, String cloneName, String historySyncId, String accessToken)
            throws IOException {
        var request = io.lizsync.proto.sync.v1.RegisterCloneRequest.newBuilder().setCloneId(me.cloneId())
                .setCloneName(cloneName).setPackageHistorySyncId(historySyncId);
        for (TableRef t : me.tables()) {
            request.addTables(io.lizsync.proto.sync.v1.TableName.newBuilder().setSchemaName(t.schema())
                    .setTableName(t.table()));
        }
        var reg = onceMoreIfUnavailable("registration", adminChannel(), () -> io.lizsync.proto.sync.v1.CentralAdminGrpc
                .newBlockingStub(adminChannel()).withCallCredentials(io.lizsync.grpckit.auth.BearerCredentials.of(accessToken))
                .withDeadlineAfter(config.deploy().centralTimeoutSeconds(), TimeUnit.SECONDS)
                .registerClone(request.build()));
        storeCredential(reg.getCredential());
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

    /** After a long outage the channel may be waiting out its reconnect backoff: try at once. */
    public void wakeUp() {
        // Only then: resetting a ready channel re-resolves the address and delays the next call.
        if (channel().getState(false) == io.grpc.ConnectivityState.TRANSIENT_FAILURE) {
            channel().resetConnectBackoff();
        }
    }

    private ExchangeGrpc.ExchangeBlockingStub exchange() {
        return ExchangeGrpc.newBlockingStub(channel()).withCallCredentials(credentials())
                .withDeadlineAfter(config.central().deadlineSeconds(), TimeUnit.SECONDS);
    }

    /**
     * The first call of a session to central, tried once more when central was unavailable: right
     * after central restarts (a rolling update, a failover) the channel may still be failing on a
     * connection attempt begun while it was down, or waiting out its reconnect backoff.
     */
    private <T> T onceMoreIfUnavailable(String what, java.util.function.Supplier<T> call) throws IOException {
        return onceMoreIfUnavailable(what, channel(), call);
    }

    private <T> T onceMoreIfUnavailable(String what, ManagedChannel on, java.util.function.Supplier<T> call)
            throws IOException {
        try {
            return call.get();
        } catch (io.grpc.StatusRuntimeException e) {
            if (e.getStatus().getCode() != io.grpc.Status.Code.UNAVAILABLE) {
                throw e;
            }
            LOG.debugf("%s: central unavailable (%s), trying once more", what, e.getStatus().getDescription());
        }
        on.resetConnectBackoff();
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return call.get();
    }

    /** The channel to central's exchange. */
    public ManagedChannel channel() {
        ManagedChannel c = channel;
        if (c == null) {
            synchronized (this) {
                if (channel == null) {
                    channel = open(config.central().host(), config.central().port());
                }
                c = channel;
            }
        }
        return c;
    }

    /**
     * The channel to central's administration (GetToolsStatus and RegisterClone, with an
     * operator's token): the exchange's unless central serves it at another address
     * (LIZSYNC_SYNC_CENTRAL_ADMIN_HOST / _PORT), as when only the exchange faces the internet.
     */
    public ManagedChannel adminChannel() {
        String host = config.central().adminHost().orElse(config.central().host());
        int port = config.central().adminPort().orElse(config.central().port());
        if (host.equals(config.central().host()) && port == config.central().port()) {
            return channel();
        }
        ManagedChannel c = adminChannel;
        if (c == null) {
            synchronized (this) {
                if (adminChannel == null) {
                    adminChannel = open(host, port);
                }
                c = adminChannel;
            }
        }
        return c;
    }

    private ManagedChannel open(String host, int port) {
        return io.grpc.Grpc.newChannelBuilderForAddress(host, port, config.linkSecurity(config.central().caFile())
                .credentials(host, "central sync-service (LIZSYNC_SYNC_CENTRAL_CA_FILE)"))
                .maxInboundMessageSize(config.maxMessageBytes()).build();
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

    /** Keeps the exchange credential in the state directory (mode 0600, written whole then renamed). */
    public void storeCredential(String credential) throws IOException {
        Path dir = Path.of(config.stateDir());
        PrivateDirs.create(dir);
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
            public void applyRequestMetadata(RequestInfo info, java.util.concurrent.Executor executor,
                    MetadataApplier applier) {
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
        if (adminChannel != null) {
            adminChannel.shutdownNow();
        }
    }
}
