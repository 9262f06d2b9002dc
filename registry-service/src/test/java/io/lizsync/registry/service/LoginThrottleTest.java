package io.lizsync.registry.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
    static final Duration WINDOW = Duration.ofMinutes(15);

    @Test
    void aKeyWaitsAfterItsLimitUntilItsOldestFailureLeavesTheWindow() {
        LoginThrottle t = new LoginThrottle(3, WINDOW);
        t.failed("ada", T0);
        t.failed("ada", T0.plusSeconds(60));
        assertEquals(Optional.empty(), t.waitFor("ada", T0.plusSeconds(61)));
        t.failed("ada", T0.plusSeconds(120));
        assertEquals(Optional.of(WINDOW.minusSeconds(180)), t.waitFor("ada", T0.plusSeconds(180)));
        assertEquals(Optional.empty(), t.waitFor("bob", T0.plusSeconds(180)), "other keys are not held back");
        // the first failure leaves the window: one more try, then a wait again if it fails
        assertEquals(Optional.empty(), t.waitFor("ada", T0.plus(WINDOW).plusSeconds(1)));
        t.failed("ada", T0.plus(WINDOW).plusSeconds(1));
        assertTrue(t.waitFor("ada", T0.plus(WINDOW).plusSeconds(2)).isPresent());
    }

    @Test
    void aSuccessForgetsAndOldKeysAreDropped() {
        LoginThrottle t = new LoginThrottle(2, WINDOW);
        t.failed("ada", T0);
        t.failed("ada", T0);
        assertTrue(t.waitFor("ada", T0).isPresent());
        t.succeeded("ada");
        assertEquals(Optional.empty(), t.waitFor("ada", T0));
        for (int i = 0; i < 50; i++) {
            t.failed("key-" + i, T0);
        }
        t.failed("late", T0.plus(WINDOW).plusSeconds(1));
        t.failed("later", T0.plus(WINDOW).plusSeconds(2));
        assertTrue(t.keys() < 52, "keys whose failures left the window are dropped as new ones come: " + t.keys());
        assertEquals(Optional.empty(), t.waitFor("key-0", T0.plus(WINDOW).plusSeconds(3)));
    }
}
