package io.lizsync.packaging.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BuildQueueTest {

    @Test
    void oneBuildRunsTwoWaitAndTheNextIsRefusedAtOnceThenTheQueueTakesBuildsAgain() throws Exception {
        BuildQueue queue = new BuildQueue(2);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<String>> builds = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int n = i;
                builds.add(pool.submit(() -> queue.submit(() -> {
                    most.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                    release.await(10, TimeUnit.SECONDS);
                    concurrent.decrementAndGet();
                    return "build " + n;
                })));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (queue.admitted() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(3, queue.admitted(), "one running, two waiting");
            var refused = assertThrows(BuildQueueFullException.class, () -> queue.submit(() -> "a fourth"));
            assertTrue(refused.getMessage().contains("max-waiting-builds"), refused.getMessage());
            release.countDown();
            for (Future<String> f : builds) {
                assertTrue(f.get(10, TimeUnit.SECONDS).startsWith("build "));
            }
            assertEquals(1, most.get(), "never two at once");
            assertEquals(0, queue.admitted());
            assertEquals("again", queue.submit(() -> "again"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aPlaceIsTakenAtAdmissionAndGivenBackOnceWhenClosed() throws Exception {
        BuildQueue queue = new BuildQueue(1);
        BuildQueue.Ticket first = queue.admit();
        BuildQueue.Ticket second = queue.admit();
        assertThrows(BuildQueueFullException.class, queue::admit, "one running and one waiting: full");
        assertEquals(2, queue.admitted());
        second.close();
        second.close();
        assertEquals(1, queue.admitted(), "closing twice gives the place back once");
        assertEquals("ran", first.run(() -> "ran"));
        first.close();
        assertEquals(0, queue.admitted());
    }

    @Test
    void aBuildWaitingForItsTurnLeavesWhenInterrupted() throws Exception {
        BuildQueue queue = new BuildQueue(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            BuildQueue.Ticket running = queue.admit();
            Future<String> first = pool.submit(() -> running.run(() -> {
                release.await(10, TimeUnit.SECONDS);
                return "first";
            }));
            BuildQueue.Ticket waiting = queue.admit();
            AtomicInteger ran = new AtomicInteger();
            Future<Object> second = pool.submit(() -> {
                try (waiting) {
                    return waiting.run(() -> ran.incrementAndGet());
                }
            });
            Thread.sleep(100);
            second.cancel(true); // a queued job cancelled
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (queue.admitted() > 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(1, queue.admitted(), "its place is free again");
            release.countDown();
            assertEquals("first", first.get(10, TimeUnit.SECONDS));
            running.close();
            assertEquals(0, ran.get(), "it never ran");
        } finally {
            pool.shutdownNow();
        }
    }
}
