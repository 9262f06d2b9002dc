package io.lizsync.grpckit;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The answers of a bidirectional call, taken one at a time by the thread that sends the requests
 * (a question, its answer, the next question: clock samples, a test speaking a protocol step by
 * step). An error or the end of the call is thrown by the take that meets it.
 */
public final class AnswerQueue<A> implements StreamObserver<A> {

    private static final Object END = new Object();
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final String peer;

    /** @param peer who answers, for the messages ("central") */
    public AnswerQueue(String peer) {
        this.peer = peer;
    }

    @Override
    public void onNext(A value) {
        queue.add(value);
    }

    @Override
    public void onError(Throwable t) {
        queue.add(t);
    }

    @Override
    public void onCompleted() {
        queue.add(END);
    }

    /** The next answer; the call's error, or a refusal when it ended or sent nothing within the timeout. */
    @SuppressWarnings("unchecked")
    public A take(long timeoutSeconds) throws InterruptedException {
        Object a = queue.poll(timeoutSeconds, TimeUnit.SECONDS);
        if (a == null) {
            throw Status.DEADLINE_EXCEEDED.withDescription(peer + " did not answer within " + timeoutSeconds + " s")
                    .asRuntimeException();
        }
        if (a == END) {
            throw new IllegalStateException(peer + " ended the call before answering");
        }
        if (a instanceof Throwable t) {
            throw Status.fromThrowable(t).asRuntimeException();
        }
        return (A) a;
    }
}
