package io.lizsync.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FakeClockTest {

    @Test
    void offsetsAreWrittenInLibfaketimesRelativeSeconds() {
        assertEquals("+600", FakeClock.spec(Duration.ofMinutes(10)));
        assertEquals("-600", FakeClock.spec(Duration.ofMinutes(-10)));
        assertEquals("+1.5", FakeClock.spec(Duration.ofMillis(1500)));
        assertEquals("-0.25", FakeClock.spec(Duration.ofMillis(-250)));
        assertEquals("+86400", FakeClock.spec(Duration.ofDays(1)));
    }

    @Test
    void aZeroOffsetIsNoFakeClock() {
        assertThrows(IllegalArgumentException.class, () -> FakeClock.environment(Duration.ZERO));
    }
}
