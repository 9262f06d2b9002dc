package io.lizsync.gateway.rest.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GrantMemoTest {

    /** A clock the test moves. */
    static final class Hands extends Clock {
        Instant now = Instant.parse("2026-12-07T10:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    final Hands clock = new Hands();
    final AtomicInteger asked = new AtomicInteger();

    Uni<String> ask() {
        return Uni.createFrom().item(() -> "answer " + asked.incrementAndGet());
    }

    @Test
    void keepsAnAnswerForItsTtlOnly() {
        GrantMemo memo = new GrantMemo(Duration.ofSeconds(5), 100, clock);
        assertEquals("answer 1", memo.get("k", this::ask).await().indefinitely());
        clock.now = clock.now.plusMillis(4999);
        assertEquals("answer 1", memo.get("k", this::ask).await().indefinitely());
        clock.now = clock.now.plusMillis(1);
        assertEquals("answer 2", memo.get("k", this::ask).await().indefinitely(), "stale at the ttl: asked again");
        assertEquals(2, asked.get());
    }

    @Test
    void aRefusalIsNeverKept() {
        GrantMemo memo = new GrantMemo(Duration.ofSeconds(5), 100, clock);
        assertThrows(IllegalStateException.class, () -> memo.get("k", () -> Uni.createFrom().<String>failure(
                new IllegalStateException("blocked"))).await().indefinitely());
        assertEquals("answer 1", memo.get("k", this::ask).await().indefinitely());
        assertEquals(1, memo.size());
    }

    @Test
    void forgetDropsTheKeysNamingAnId() {
        GrantMemo memo = new GrantMemo(Duration.ofSeconds(5), 100, clock);
        memo.get("device|d1|u1", this::ask).await().indefinitely();
        memo.get("device|d2|u1", this::ask).await().indefinitely();
        memo.forget("d1");
        assertEquals(1, memo.size());
        assertEquals("answer 3", memo.get("device|d1|u1", this::ask).await().indefinitely());
        assertEquals("answer 2", memo.get("device|d2|u1", this::ask).await().indefinitely());
    }

    @Test
    void zeroTtlAsksEveryTime() {
        GrantMemo memo = new GrantMemo(Duration.ZERO, 100, clock);
        memo.get("k", this::ask).await().indefinitely();
        memo.get("k", this::ask).await().indefinitely();
        assertEquals(2, asked.get());
        assertEquals(0, memo.size());
    }

    @Test
    void boundedByCapacity() {
        GrantMemo memo = new GrantMemo(Duration.ofSeconds(5), 2, clock);
        memo.get("a", this::ask).await().indefinitely();
        clock.now = clock.now.plusSeconds(6);
        memo.get("b", this::ask).await().indefinitely();
        memo.get("c", this::ask).await().indefinitely();
        assertEquals(2, memo.size(), "the expired one made room");
        memo.get("d", this::ask).await().indefinitely();
        assertEquals(1, memo.size(), "none expired: all went");
    }
}
