package io.lizsync.grpckit;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The messages of a server stream, read by a worker thread with a few requested ahead: the next
 * ones travel while this one is processed (a blocking stub asks for one message at a time, a
 * round trip each), and at most {@code ahead} wait here, whatever the stream's length. Closing
 * it before the end cancels the call.
 */
public final class StreamReader<Q, T> implements ClientResponseObserver<Q, T>, AutoCloseable {

    private static final Object END = new Object();
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final int ahead;
    private final int timeoutSeconds;
    private final String peer;
    private volatile ClientCallStreamObserver<Q> call;
    private volatile boolean ended;

    /** @param peer who sends, for the timeout message ("central", "packaging-service") */
    public StreamReader(int ahead, int timeoutSeconds, String peer) {
        this.ahead = ahead;
        this.timeoutSeconds = timeoutSeconds;
        this.peer = peer;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<Q> requestStream) {
        call = requestStream;
        requestStream.disableAutoRequestWithInitial(ahead);
    }

    @Override
    public void onNext(T value) {
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

    /** The next message, or null at the end; the call's failure as a StatusRuntimeException. */
    @SuppressWarnings("unchecked")
    public T next() throws InterruptedException {
        if (ended) {
            return null;
        }
        Object o = queue.poll(timeoutSeconds, TimeUnit.SECONDS);
        if (o == null) {
            throw Status.DEADLINE_EXCEEDED.withDescription(peer + " sent nothing for " + timeoutSeconds + " s")
                    .asRuntimeException();
        }
        if (o == END) {
            ended = true;
            return null;
        }
        if (o instanceof Throwable t) {
            ended = true;
            throw Status.fromThrowable(t).asRuntimeException();
        }
        call.request(1);
        return (T) o;
    }

    /** The messages as an iterator (for code that consumes one). */
    public Iterator<T> iterator() {
        return new Iterator<>() {
            private T next;

            @Override
            public boolean hasNext() {
                if (next == null) {
                    try {
                        next = StreamReader.this.next();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while reading from " + peer, e);
                    }
                }
                return next != null;
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                T t = next;
                next = null;
                return t;
            }
        };
    }

    @Override
    public void close() {
        if (!ended && call != null) {
            call.cancel("the stream was abandoned before its end", null);
        }
    }
}
