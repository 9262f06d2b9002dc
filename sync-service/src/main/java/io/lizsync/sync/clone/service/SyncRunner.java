package io.lizsync.sync.clone.service;

import io.lizsync.grpckit.PrivateDirs;
import io.lizsync.sync.clone.central.CentralClient;
import io.lizsync.sync.clone.repository.CloneStore;
import io.lizsync.sync.config.NodeRoles;
import io.lizsync.sync.config.SyncConfig;
import io.lizsync.sync.engine.Routing;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * Runs sync sessions of this clone against central, one at a time (on demand, on schedule and
 * from SQL all go through here): hello, clock, push, pull, apply with the new cursor, acknowledge.
 * Every step can fail and be retried by the next session without loss or duplicate: a push is
 * re-sent with its id until central confirms it, a pull counts only once applied locally with its
 * cursor, and a lost acknowledgement is repaired at the next hello. When hello shows a deploy
 * assigned through central (ADR 0015, "Syncing first"), the session pushes what the clone holds
 * (no pull) and the deploy runs after it ({@link AssignmentRunner}): the clone's edits reach
 * central, and central sends them back to the redeployed clone at its next sync.
 */
@ApplicationScoped
public class SyncRunner {

    private static final Logger LOG = Logger.getLogger(SyncRunner.class);

    private final SyncConfig config;
    private final NodeRoles roles;
    private final CloneStore store;
    private final CentralClient central;
    private final io.lizsync.sync.clone.central.CentralLink link;
    private final ReentrantLock lock = new ReentrantLock();
    private final jakarta.enterprise.inject.Instance<AssignmentRunner> assignments;
    private final StoredProjectsSync projects;

    SyncRunner(SyncConfig config, NodeRoles roles, CloneStore store, CentralClient central,
            io.lizsync.sync.clone.central.CentralLink link, jakarta.enterprise.inject.Instance<AssignmentRunner> assignments,
            StoredProjectsSync projects) {
        this.projects = projects;
        this.assignments = assignments;
        this.link = link;
        this.config = config;
        this.roles = roles;
        this.store = store;
        this.central = central;
    }

    /** Counts of one session. */
    public record Outcome(long toCentral, long toClone, long conflicts, long durationMs, String assignment) {
        Outcome(long toCentral, long toClone, long conflicts, long durationMs) {
            this(toCentral, toClone, conflicts, durationMs, null);
        }

        Outcome with(String ran) {
            return new Outcome(toCentral, toClone, conflicts, durationMs, ran);
        }
    }

    /** Runs one session now (on demand, the schedule, or {@code SELECT lizsync.synchronize()}). */
    public Outcome synchronize() throws Exception {
        roles.require(SyncConfig.Role.clone, "a sync session with central");
        return exclusive(() -> {
            assignments.get().recover(this);
            CentralClient.Assignment[] seen = {null};
            Outcome done;
            try {
                done = session(seen);
            } catch (Exception e) {
                Exception failure = e instanceof io.grpc.StatusRuntimeException s ? central.explain(s) : e;
                // Hello showed an assignment (ADR 0015) and sending the clone's edits first failed:
                // the deploy does not run unless forced, and the job says why. A hello refused for a
                // structure or tools version that differs is what a deploy repairs: no edit can be
                // sent then, the deploy's own checks decide (unsynced edits are refused unless forced).
                String ran = seen[0] != null ? assignments.get().runAfterFailedPush(seen[0], failure)
                        : refusedHello(failure) ? assignments.get().runOpen() : null;
                if (ran == null) {
                    throw failure;
                }
                LOG.infof("sync failed (%s); %s", failure.getMessage(), ran);
                return new Outcome(0, 0, 0, 0, ran + " (the sync before it failed: " + failure.getMessage() + ")");
            }
            return seen[0] == null ? done : done.with(assignments.get().run(seen[0]));
        });
    }

    private static boolean refusedHello(Exception failure) {
        return failure instanceof io.grpc.StatusRuntimeException s
                && s.getStatus().getCode() == io.grpc.Status.Code.FAILED_PRECONDITION;
    }

    /** Runs work while no sync session (nor another deploy) of this clone runs. */
    public <T> T exclusive(Callable<T> work) throws Exception {
        if (!lock.tryLock(10, TimeUnit.MINUTES)) {
            throw new io.lizsync.sync.grpc.GrpcErrors.PreconditionException("another sync session or deploy of this clone is still running");
        }
        try {
            return work.call();
        } finally {
            lock.unlock();
        }
    }

    /** A deploy's registration ticket kept until central is reached (0600: the ticket is a secret). */
    private Path pendingRegistrationFile() {
        return Path.of(config.stateDir(), "pending-registration");
    }

    /** True while a deploy has not yet been registered with central. */
    public boolean registrationIsPending() {
        return Files.isRegularFile(pendingRegistrationFile());
    }

    /**
     * Keeps a deploy's registration ticket (and its package) for the first contact with central;
     * without a ticket, nothing can register the clone and the sync says so.
     */
    void registrationPending(String ticket, String packageId) throws IOException {
        PrivateDirs.writeSecret(Path.of(config.stateDir()), "pending-registration",
                (ticket == null ? "" : ticket.strip()) + "\n" + packageId + "\n");
    }

    /** Registers this clone with central as deployed from {@code packageId} with the deploy's ticket. */
    void register(CloneStore.Identity me, String ticket, String packageId) throws IOException {
        central.register(me.cloneId(), me.tables(), ticket, packageId);
        Files.deleteIfExists(pendingRegistrationFile());
    }

    private void registerIfPending(CloneStore.Identity me) throws IOException {
        Path pending = pendingRegistrationFile();
        if (Files.isRegularFile(pending)) {
            List<String> lines = Files.readAllLines(pending);
            String ticket = lines.isEmpty() ? "" : lines.get(0).strip();
            String packageId = lines.size() < 2 ? "" : lines.get(1).strip();
            if (ticket.isEmpty()) {
                throw new io.lizsync.sync.grpc.GrpcErrors.PreconditionException("clone " + me.cloneId() + " was"
                        + " deployed without a registration ticket and is not registered with central: deploy it again"
                        + " with one (lizsync deploy, which asks registry-service for it); until then no sync can run");
            }
            LOG.infof("first contact with central since the deploy: registering clone %s", me.cloneId());
            register(me, ticket, packageId);
        }
    }

    private Outcome session(CentralClient.Assignment[] seen) throws Exception {
        long start = System.nanoTime();
        link.wakeUp();
        CloneStore.Identity me = store.identity();
        long tIdentity = System.nanoTime();
        registerIfPending(me);
        assignments.get().flush();
        var shapes = store.shapes(me.tables());
        long tShapes = System.nanoTime();
        var hello = central.hello(me, shapes);
        seen[0] = hello.assignment();
        if (seen[0] != null && seen[0].running()) {
            // Claimed already: a deploy this sidecar started (recovered and reported at this
            // contact) or lost; nothing is exchanged before its report.
            LOG.infof("central shows deploy %s (package %s) running: the session stops at hello", seen[0].jobId(),
                    seen[0].packageId());
            return new Outcome(0, 0, 0, (System.nanoTime() - start) / 1_000_000);
        }
        if (seen[0] != null) {
            // A deploy assigned through central (ADR 0015, "Syncing first"): the clone's edits go to
            // central first (the push of a session, with its clock measurement), so the deploy
            // finds nothing unsynced. Central sends a redeployed clone its own changes logged after
            // the package's snapshot (its echo horizon): they come back at the next sync. No pull:
            // it would move the cursor past the package, and the deploy replaces the tables anyway.
            LOG.infof("central assigned deploy %s (package %s): sending the clone's edits first", seen[0].jobId(),
                    seen[0].packageId());
            CloneStore.Push push = hello.upToDate() ? null : store.nextPush(roles.isCentral());
            long sent = 0;
            long conflicts = 0;
            if (push != null) {
                // Edits to send: central must take them (with nothing to send, the deploy runs even
                // for a clone that fell behind: it is what repairs it).
                checkExchange(me, hello);
                var result = pushSession(hello.sessionId(), push, me, roles.isCentral(), start);
                sent = result.applied();
                conflicts = result.conflicts();
                if (!result.pullNeeded()) {
                    store.recordSync(result.position()); // central completed the session with the push
                }
            }
            return new Outcome(sent, 0, conflicts, (System.nanoTime() - start) / 1_000_000);
        }
        checkExchange(me, hello);
        if (hello.upToDate()) {
            // Nothing either way: central recorded the session as complete at hello.
            long tHelloDone = System.nanoTime();
            store.recordSync(null);
            long ms = (System.nanoTime() - start) / 1_000_000;
            LOG.debugf("sync session done: up to date, %d ms (identity %d us, fingerprints %d us, hello %d us, record %d us)",
                    ms, (tIdentity - start) / 1000, (tShapes - tIdentity) / 1000, (tHelloDone - tShapes) / 1000,
                    (System.nanoTime() - tHelloDone) / 1000);
            return new Outcome(0, 0, 0, ms);
        }
        String session = hello.sessionId();
        long tHello = System.nanoTime();

        long toCentral = 0;
        long conflicts = 0;
        // A tier (also the central of its children) keeps what it pushed and logs what it pulls: its
        // children read both from its log.
        boolean tier = roles.isCentral();
        CloneStore.Push push = store.nextPush(tier);
        if (push != null) {
            var result = pushSession(session, push, me, tier, tHello);
            toCentral = result.applied();
            conflicts = result.conflicts();
            if (!result.pullNeeded()) {
                // Central has nothing this clone has not seen: the push completed the session.
                store.recordSync(result.position());
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
        try (CentralClient.Pull pull = central.pull(session,
                new Routing.Destination(me.cloneId(), java.util.Set.copyOf(me.tables())))) {
            pulled = store.applyPull(pull, tier ? hello.centralId() : null);
        }
        long tApply = System.nanoTime();
        crashPoint("after-apply");
        central.acknowledge(session, pulled.tickId(), pulled.applied());
        projects.afterPull(pulled.qgisProjectSchemas());
        long ms = (System.nanoTime() - start) / 1_000_000;
        LOG.infof("sync session done: %d change(s) to central, %d to clone, %d conflict(s), %d ms "
                + "(hello %d, push %d, pull and apply %d, ack %d)", toCentral, pulled.applied(), conflicts, ms,
                (tHello - start) / 1_000_000, (tPush - tHello) / 1_000_000, (tApply - tPush) / 1_000_000,
                (System.nanoTime() - tApply) / 1_000_000);
        return new Outcome(toCentral, pulled.applied(), conflicts, ms);
    }

    /** Refuses to exchange with a central that says the clone fell behind, or that is not its own. */
    private static void checkExchange(CloneStore.Identity me, CentralClient.Hello hello) {
        if (hello.redeployRequired()) {
            throw new io.lizsync.sync.grpc.GrpcErrors.PreconditionException("central says this clone fell behind its log retention: deploy a new package");
        }
        if (me.centralId() != null && !me.centralId().equals(hello.centralId())) {
            throw new io.lizsync.sync.grpc.GrpcErrors.PreconditionException("this clone belongs to central " + me.centralId() + ", not to "
                    + hello.centralId());
        }
    }

    /**
     * The push of a session: central measures this database's clock against its own before it
     * takes the edit times, then the push is sent, and completed locally once central confirmed it.
     */
    private CentralClient.Pushed pushSession(String session, CloneStore.Push push, CloneStore.Identity me,
            boolean tier, long tHello) throws Exception {
        long tOpened = System.nanoTime();
        var clock = central.measureClock(session, store::databaseNow);
        long tClock = System.nanoTime();
        CentralClient.PushStats stats = new CentralClient.PushStats();
        long[] events = {0};
        var result = central.push(session, push.pushId(), sink -> events[0] = store.readPush(push, me, projects.towardsCentral(sink)), stats);
        long tSent = System.nanoTime();
        crashPoint("after-push");
        store.completePush(push.pushId(), tier);
        LOG.infof("push of %d event(s) as %d change(s) in %d batch(es): opened %d ms, clock %d ms (offset %d ms "
                + "+- %d), read, sent and applied %d ms (encoding %d ms, waiting for central %d ms), completed %d ms",
                events[0], stats.changes, stats.batches, (tOpened - tHello) / 1_000_000,
                (tClock - tOpened) / 1_000_000, clock.offsetMs(), clock.uncertaintyMs(),
                (tSent - tClock) / 1_000_000, stats.encodeNanos / 1_000_000, stats.waitNanos / 1_000_000,
                (System.nanoTime() - tSent) / 1_000_000);
        return result;
    }

    private void crashPoint(String point) {
        if (config.testCrashPoint().filter(point::equals).isPresent()) {
            LOG.warnf("fault injection: halting at %s", point);
            Runtime.getRuntime().halt(137);
        }
    }
}
