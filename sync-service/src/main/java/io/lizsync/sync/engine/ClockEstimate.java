package io.lizsync.sync.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The offset between two clocks from NTP-style samples: the clone sends at t0 (its clock), central
 * receives and answers at t1 = t2 (its clock), the clone receives at t3 (its clock). With the
 * offset θ = central − clone, t1 − t0 ≥ θ and t2 − t3 ≤ θ; the estimate is the middle of that
 * interval, ((t1 − t0) + (t2 − t3)) / 2, and its uncertainty half the round trip
 * ((t3 − t0) − (t2 − t1)) / 2. Of several samples, the one with the shortest round trip is
 * kept (the least disturbed by queueing).
 *
 * @param offset      central clock minus clone clock
 * @param uncertainty the true offset is within offset ± uncertainty
 * @param samples     samples the estimate was chosen from
 */
public record ClockEstimate(Duration offset, Duration uncertainty, int samples) {

    /** One exchange of timestamps. */
    public record Sample(Instant cloneSent, Instant centralTime, Instant cloneReceived) {
        Duration roundTrip() {
            return Duration.between(cloneSent, cloneReceived);
        }
    }

    /** The estimate from the usable samples; refused when none is usable. */
    public static ClockEstimate of(List<Sample> samples) {
        Sample best = null;
        int usable = 0;
        for (Sample s : samples) {
            if (s.cloneSent() == null || s.centralTime() == null || s.cloneReceived() == null
                    || s.cloneReceived().isBefore(s.cloneSent())) {
                continue; // the clone's clock stepped back during the sample, or a part is missing
            }
            usable++;
            if (best == null || s.roundTrip().compareTo(best.roundTrip()) < 0) {
                best = s;
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("no usable clock sample (each needs the clone's send and receive times, "
                    + "the second not before the first)");
        }
        // ((t1 - t0) + (t2 - t3)) / 2 with t1 = t2 = centralTime, computed in nanoseconds.
        long t0 = nanos(best.cloneSent());
        long t1 = nanos(best.centralTime());
        long t3 = nanos(best.cloneReceived());
        long offset = Math.floorDiv((t1 - t0) + (t1 - t3), 2);
        long half = Math.floorDiv(t3 - t0 + 1, 2);
        return new ClockEstimate(Duration.ofNanos(offset), Duration.ofNanos(half), usable);
    }

    private static long nanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /** True when two edit times on the same clock are closer than the uncertainty: their order is not certain. */
    public static boolean withinUncertainty(Instant a, Instant b, Duration uncertainty) {
        if (a == null || b == null || uncertainty == null) {
            return false;
        }
        return Duration.between(a, b).abs().compareTo(uncertainty) <= 0;
    }
}
