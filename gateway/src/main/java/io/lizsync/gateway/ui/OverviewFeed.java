package io.lizsync.gateway.ui;

import io.grpc.StatusRuntimeException;
import io.lizsync.gateway.config.GatewayConfig;
import io.lizsync.grpckit.auth.Caller;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The overview's live updates: one poller of central's clone states for every open overview,
 * running only while someone watches, which sends each watcher the rows again when they changed.
 * It asks with the access token of one of the watchers (the one valid longest; all of them may
 * see the overview, the endpoint having checked their roles); a watcher whose access token
 * expires is let go, and their browser's EventSource reconnects with the session cookie (a new
 * access token, the roles checked again).
 */
@ApplicationScoped
public class OverviewFeed {

    private static final Logger LOG = Logger.getLogger(OverviewFeed.class);

    /** One update: the table's body (rendered as the page renders it), the summary, or a problem. */
    public record Update(String rows, String summary, String problem) {
    }

    private record Watcher(MultiEmitter<? super Update> emitter, Caller caller) {
    }

    @Inject
    OverviewSource source;

    @Inject
    Vertx vertx;

    @Inject
    GatewayConfig config;

    private final Set<Watcher> watchers = ConcurrentHashMap.newKeySet();
    private Long timer;
    private volatile boolean busy;
    private volatile Update last;

    /** The updates for one watcher: the last one known at once (if any), then each change. */
    public Multi<Update> watch(Caller caller) {
        return Multi.createFrom().emitter(emitter -> {
            Watcher w = new Watcher(emitter, caller);
            emitter.onTermination(() -> {
                watchers.remove(w);
                stopWhenIdle();
            });
            // Joined and given the last update under the publisher's lock: an update published
            // meanwhile reaches the newcomer once, not twice (as the last known and as news).
            synchronized (this) {
                watchers.add(w);
                Update known = last;
                if (known != null) {
                    emitter.emit(known);
                }
            }
            start();
        });
    }

    /** How many watch now (for tests and metrics). */
    public int watchers() {
        return watchers.size();
    }

    private synchronized void start() {
        if (timer == null) {
            long every = Math.max(200, config.dashboard().refresh().toMillis());
            timer = vertx.setPeriodic(1, every, id -> poll());
        }
    }

    private synchronized void stopWhenIdle() {
        if (watchers.isEmpty() && timer != null) {
            vertx.cancelTimer(timer);
            timer = null;
            last = null;
        }
    }

    private void poll() {
        if (busy) {
            return;
        }
        Instant soon = Instant.now().plusSeconds(5);
        // Let go of those whose token is about to expire: off the list first, so that no one who sees
        // their stream end finds them still counted.
        java.util.List<Watcher> expiring = watchers.stream().filter(w -> w.caller().expiresAt().isBefore(soon)).toList();
        watchers.removeAll(expiring);
        expiring.forEach(w -> w.emitter().complete());
        Optional<Watcher> asker = watchers.stream().max(Comparator.comparing(w -> w.caller().expiresAt()));
        if (asker.isEmpty()) {
            stopWhenIdle();
            return;
        }
        busy = true;
        source.load(asker.get().caller()).subscribe().with(overview -> {
            busy = false;
            publish(new Update(Pages.Templates.overviewRows(overview).render(), overview.summary(), null));
        }, failure -> {
            busy = false;
            String why = failure instanceof StatusRuntimeException s
                    ? "central did not answer (" + s.getStatus().getCode() + "); the table shows the last known states"
                    : "the overview could not be read; the table shows the last known states";
            LOG.debugf("overview poll failed: %s", failure.toString());
            Update known = last;
            publish(new Update(known == null ? null : known.rows(), known == null ? null : known.summary(), why));
        });
    }

    private synchronized void publish(Update update) {
        if (Objects.equals(update, last)) {
            return;
        }
        last = update;
        watchers.forEach(w -> w.emitter().emit(update));
    }
}
