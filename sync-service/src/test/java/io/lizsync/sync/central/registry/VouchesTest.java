package io.lizsync.sync.central.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class VouchesTest {

    private static final CloneIdentity A = new CloneIdentity("a", "laptop", List.of());

    /** A clock the test moves. */
    private static final class Manual extends Clock {
        Instant now = Instant.parse("2026-12-07T10:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void anAnswerIsUsedForTheTtlOnlyAndForThatCredentialOnly() {
        Manual clock = new Manual();
        Vouches v = new Vouches(Duration.ofSeconds(5), clock);
        assertNull(v.fresh("a", "h1"));
        v.remember("a", "h1", A);
        assertEquals(A, v.fresh("a", "h1"));
        assertNull(v.fresh("a", "h2"), "another credential of the clone: registry is asked");
        clock.now = clock.now.plusSeconds(5);
        assertNull(v.fresh("a", "h1"), "older than the ttl: registry is asked again");
    }

    @Test
    void aRefusalForgetsTheCloneAndZeroTtlKeepsNothing() {
        Manual clock = new Manual();
        Vouches v = new Vouches(Duration.ofSeconds(5), clock);
        v.remember("a", "h1", A);
        v.forget("a");
        assertNull(v.fresh("a", "h1"));
        Vouches never = new Vouches(Duration.ZERO, clock);
        never.remember("a", "h1", A);
        assertNull(never.fresh("a", "h1"));
    }
}
