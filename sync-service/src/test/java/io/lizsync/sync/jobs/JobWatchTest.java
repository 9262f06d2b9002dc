package io.lizsync.sync.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** WatchJob's stream over a job held in memory (the service reads its database instead). */
class JobWatchTest {

    record J(long revision, String state) {
    }

    private final JobWatch<J> watch = new JobWatch<>(J::revision, j -> j.state().equals("done"));

    @Test
    void everyChangeIsSentOnceUntilTheFinalStateWhichEndsTheStream() throws Exception {
        AtomicReference<J> job = new AtomicReference<>(new J(1, "queued"));
        var seen = watch.follow(job.get(), job::get).map(J::state).collect().asList()
                .subscribeAsCompletionStage();
        Thread.sleep(400); // polls with nothing new: nothing sent
        job.set(new J(2, "running"));
        watch.changed();
        Thread.sleep(100);
        job.set(new J(3, "running"));
        watch.changed();
        Thread.sleep(100);
        job.set(new J(4, "done"));
        watch.changed();
        assertEquals(List.of("queued", "running", "running", "done"),
                seen.toCompletableFuture().get(5, java.util.concurrent.TimeUnit.SECONDS));
    }

    @Test
    void aChangeOfThisProcessIsSeenWithoutWaitingForAPoll() throws Exception {
        JobWatch<J> slow = new JobWatch<>(J::revision, j -> j.state().equals("done"), 60_000);
        AtomicReference<J> job = new AtomicReference<>(new J(1, "queued"));
        var states = slow.follow(job.get(), job::get).map(J::state).collect().asList().subscribeAsCompletionStage();
        job.set(new J(2, "done"));
        slow.changed();
        // a poll would come after a minute: only the wake-up can end the stream within seconds
        assertEquals(List.of("queued", "done"), states.toCompletableFuture().get(5, java.util.concurrent.TimeUnit.SECONDS));
    }

    @Test
    void aFinishedJobIsOneMessage() {
        List<J> all = watch.follow(new J(7, "done"), () -> {
            throw new AssertionError("a finished job is not read again");
        }).collect().asList().await().atMost(Duration.ofSeconds(5));
        assertEquals(List.of(new J(7, "done")), all);
    }
}
