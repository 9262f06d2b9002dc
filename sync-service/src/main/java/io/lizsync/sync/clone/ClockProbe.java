package io.lizsync.sync.clone;

import io.grpc.CallCredentials;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import io.lizsync.proto.sync.v1.ClockReading;
import io.lizsync.proto.sync.v1.ClockSample;
import io.lizsync.proto.sync.v1.ExchangeGrpc;
import io.lizsync.sync.wire.Wire;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The clone's half of central's clock measurement: each sample carries this database's clock
 * when it is sent and when central's answer to the previous one arrived (one reading serves as
 * both). Central computes the offset itself; the clone only reads its own database's clock.
 */
@ApplicationScoped
public class ClockProbe {

    /** Samples per measurement: central keeps the one with the shortest round trip. */
    static final int SAMPLES = 5;

    private final CloneStore store;

    ClockProbe(CloneStore store) {
        this.store = store;
    }

    /** Runs one measurement in the session; returns central's answer (offset and uncertainty). */
    public ClockReading measure(Channel channel, CallCredentials credentials, String session, long deadlineSeconds)
            throws Exception {
        LinkedBlockingQueue<Object> answers = new LinkedBlockingQueue<>();
        StreamObserver<ClockSample> out = ExchangeGrpc.newStub(channel).withCallCredentials(credentials)
                .withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS)
                .measureClock(new StreamObserver<ClockReading>() {
                    @Override
                    public void onNext(ClockReading r) {
                        answers.add(r);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answers.add(t);
                    }

                    @Override
                    public void onCompleted() {
                        answers.add(new IllegalStateException("central ended the clock measurement early"));
                    }
                });
        try {
            Instant reading = store.databaseNow();
            Instant previous = null;
            for (int i = 0; i < SAMPLES; i++) {
                var sample = ClockSample.newBuilder().setSessionId(session).setCloneSent(Wire.timestamp(reading));
                if (previous != null) {
                    sample.setPreviousReceived(Wire.timestamp(previous));
                }
                out.onNext(sample.build());
                take(answers, deadlineSeconds);
                reading = store.databaseNow();
                previous = reading;
            }
            out.onNext(ClockSample.newBuilder().setSessionId(session).setPreviousReceived(Wire.timestamp(previous))
                    .setLast(true).build());
            ClockReading result = take(answers, deadlineSeconds);
            out.onCompleted();
            return result;
        } catch (Exception | Error e) {
            out.onError(io.grpc.Status.CANCELLED.withDescription("clock measurement abandoned").asRuntimeException());
            throw e;
        }
    }

    private static ClockReading take(LinkedBlockingQueue<Object> answers, long deadlineSeconds) throws Exception {
        Object a = answers.poll(deadlineSeconds, TimeUnit.SECONDS);
        if (a == null) {
            throw new IllegalStateException("central did not answer a clock sample within " + deadlineSeconds + " s");
        }
        if (a instanceof Exception e) {
            throw e;
        }
        if (a instanceof Throwable t) {
            throw new IllegalStateException(t);
        }
        return (ClockReading) a;
    }
}
