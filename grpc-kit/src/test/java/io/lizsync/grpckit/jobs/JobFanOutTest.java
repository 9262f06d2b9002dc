package io.lizsync.grpckit.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobFanOutTest {

    /** A client stream whose readiness the test sets, as HTTP/2 flow control would. */
    static class Client implements JobFanOut.Sink<String> {
        final List<String> received = new ArrayList<>();
        boolean ready = true;
        boolean completed;
        Runnable onReady;
        Runnable onCancel;

        @Override
        public boolean isReady() {
            return ready;
        }

        @Override
        public void send(String value) {
            if (completed) {
                throw new IllegalStateException("sent after completion");
            }
            received.add(value);
        }

        @Override
        public void complete() {
            completed = true;
        }

        @Override
        public void onReady(Runnable handler) {
            onReady = handler;
        }

        @Override
        public void onCancel(Runnable handler) {
            onCancel = handler;
        }

        void becomeReady() {
            ready = true;
            onReady.run();
        }
    }

    private final JobFanOut<String> fanOut = new JobFanOut<>(s -> s.startsWith("final"));

    @Test
    void aWatcherGetsTheCurrentStateThenEveryChangeThenTheEnd() {
        var client = new Client();
        fanOut.watch("build-1", "queued", client);
        fanOut.publish("build-1", "running 10%");
        fanOut.publish("build-2", "another job");
        fanOut.publish("build-1", "running 10%"); // same state again: not repeated
        fanOut.publish("build-1", "running 50%");
        fanOut.publish("build-1", "final: succeeded");
        assertEquals(List.of("queued", "running 10%", "running 50%", "final: succeeded"), client.received);
        assertTrue(client.completed);
        assertEquals(0, fanOut.watching("build-1"), "a finished watcher is forgotten");
        fanOut.publish("build-1", "final: again");
        assertEquals(4, client.received.size());
    }

    @Test
    void aSlowWatcherGetsTheLatestStateNotAQueue() {
        var slow = new Client();
        var fast = new Client();
        fanOut.watch("build-1", "queued", slow);
        fanOut.watch("build-1", "queued", fast);
        slow.ready = false;
        for (int i = 1; i <= 10_000; i++) {
            fanOut.publish("build-1", "running " + i);
        }
        assertEquals(10_001, fast.received.size(), "a ready watcher gets each change");
        assertEquals(List.of("queued"), slow.received, "nothing is sent while the client is not ready");
        slow.becomeReady();
        assertEquals(List.of("queued", "running 10000"), slow.received, "then only the latest");
        slow.ready = false;
        fanOut.publish("build-1", "running 10001");
        fanOut.publish("build-1", "final: cancelled");
        assertFalse(slow.completed);
        slow.becomeReady();
        assertEquals(List.of("queued", "running 10000", "final: cancelled"), slow.received, "the final state is never lost");
        assertTrue(slow.completed);
    }

    @Test
    void aFinishedJobIsOneMessageAndACancelledWatcherIsForgotten() {
        var late = new Client();
        fanOut.watch("build-1", "final: failed", late);
        assertEquals(List.of("final: failed"), late.received);
        assertTrue(late.completed);
        assertEquals(0, fanOut.watching("build-1"));

        var gone = new Client();
        fanOut.watch("build-2", "running", gone);
        assertEquals(1, fanOut.watching("build-2"));
        gone.onCancel.run();
        assertEquals(0, fanOut.watching("build-2"));
        fanOut.publish("build-2", "running 2");
        assertEquals(List.of("running"), gone.received);
    }

    @Test
    void aBrokenStreamEndsItsWatcherNotTheJob() {
        var broken = new Client() {
            @Override
            public void send(String value) {
                if (value.contains("2")) {
                    throw new IllegalStateException("call already closed");
                }
                super.send(value);
            }
        };
        fanOut.watch("build-1", "running 1", broken);
        fanOut.publish("build-1", "running 2");
        fanOut.publish("build-1", "running 3");
        assertEquals(List.of("running 1"), broken.received);
        assertEquals(0, fanOut.watching("build-1"));
    }
}
