package io.lizsync.grpckit.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ServiceTokenTest {

    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

    @Test
    void keepsTheTokenUntilShortlyBeforeItExpiresThenExchangesAgain() {
        AtomicInteger exchanges = new AtomicInteger();
        MovingClock clock = new MovingClock(T0);
        ServiceToken token = new ServiceToken(() -> new ServiceToken.Issued("t" + exchanges.incrementAndGet(),
                clock.instant().plus(Duration.ofMinutes(5))), clock);
        assertEquals("t1", token.get());
        clock.set(T0.plus(Duration.ofMinutes(3)));
        assertEquals("t1", token.get(), "still well before expiry");
        clock.set(T0.plus(Duration.ofMinutes(4)).plusSeconds(1));
        assertEquals("t2", token.get(), "within the margin before expiry: exchanged again");
        token.invalidate();
        assertEquals("t3", token.get(), "forgotten: exchanged again");
        assertEquals(3, exchanges.get());
    }
}
