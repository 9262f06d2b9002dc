package io.lizsync.sync.central.exchange.service;

import io.lizsync.sync.central.exchange.repository.ExchangeRepository;
import io.lizsync.sync.db.Db;
import io.lizsync.sync.engine.ClockEstimate;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Central measures a clone's clock itself: the clocks compared are the ones that stamp edits,
 * central's database clock (read here for every sample) and the clone's database clock (which
 * the clone reads before sending a sample and when the answer arrives). The offset is computed
 * here from those timestamps and kept for the session; a push uses nothing else.
 */
@ApplicationScoped
public class ClockService {

    private static final Logger LOG = Logger.getLogger(ClockService.class);
    /** Samples one measurement may take (a clone sends a handful). */
    public static final int MAX_SAMPLES = 16;

    private final Pool pool;

    ClockService(Pool pool) {
        this.pool = pool;
    }

    /** One measurement, fed sample by sample from one call. */
    public Measurement open(String cloneId) {
        return new Measurement(cloneId);
    }

    /** The samples of one call and central's own times in them. */
    public final class Measurement {
        private final String cloneId;
        private final List<ClockEstimate.Sample> samples = new ArrayList<>();
        private String sessionId;
        private Instant pendingSent;
        private Instant pendingCentral;

        Measurement(String cloneId) {
            this.cloneId = cloneId;
        }

        /**
         * A sample: the clone's database time when it sent it, and when the answer to the previous
         * sample arrived (null on the first). Returns central's database time, the answer.
         */
        public synchronized Instant sample(String session, Instant cloneSent, Instant previousReceived) {
            checkSession(session);
            complete(previousReceived);
            if (samples.size() >= MAX_SAMPLES) {
                throw new IllegalArgumentException("a clock measurement takes at most " + MAX_SAMPLES + " samples");
            }
            if (cloneSent == null) {
                throw new IllegalArgumentException("clone_sent: a clock sample needs the clone database's time");
            }
            pendingSent = cloneSent;
            pendingCentral = ExchangeRepository.databaseNow(pool);
            return pendingCentral;
        }

        /** The last sample: completes the previous one, computes and keeps the offset for the session. */
        public synchronized ClockEstimate finish(String session, Instant previousReceived) throws Exception {
            checkSession(session);
            complete(previousReceived);
            ClockEstimate e = ClockEstimate.of(samples);
            long offsetMs = Math.round(e.offset().toNanos() / 1e6);
            long uncertaintyMs = (e.uncertainty().toNanos() + 999_999) / 1_000_000;
            Db.inTransaction(pool, c -> {
                ExchangeRepository.recordClock(c, cloneId, sessionId, offsetMs, uncertaintyMs);
                return null;
            });
            LOG.debugf("clock of clone %s: offset %d ms +- %d ms (%d sample(s))", cloneId, offsetMs, uncertaintyMs,
                    e.samples());
            return e;
        }

        private void checkSession(String session) {
            if (sessionId == null) {
                sessionId = CloneAccess.parseUuid(session, "session_id");
            } else if (!sessionId.equals(session)) {
                throw new IllegalArgumentException("all samples of a clock measurement carry the same session id");
            }
        }

        private void complete(Instant previousReceived) {
            if (pendingSent != null) {
                samples.add(new ClockEstimate.Sample(pendingSent, pendingCentral, previousReceived));
                pendingSent = null;
                pendingCentral = null;
            }
        }
    }
}
