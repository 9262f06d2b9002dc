package io.lizsync.grpckit;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.Closeable;
import java.io.IOException;
import org.jboss.logging.Logger;

/**
 * Sends a server stream only as fast as the client takes it: messages are produced one at a time
 * while the call {@linkplain ServerCallStreamObserver#isReady() is ready}, and production resumes
 * from the call's on-ready handler. At most one message is read ahead, whatever the size of what is sent
 * and however slow the client (the Mutiny {@code Multi} path of Quarkus 3.32 requests an unbounded
 * number of items and would buffer the whole file in memory for a slow client).
 *
 * <p>Every message is checked against the stream's byte bound before it is sent: a source that
 * produces a larger one fails the call here, as the sender's bug, instead of having the client
 * refuse it with a bare {@code RESOURCE_EXHAUSTED}.
 *
 * <p>The handlers run on worker threads (the service is {@code @Blocking}); {@link #pump()} is
 * synchronized so they never produce concurrently.
 */
public final class FlowControlledSender<T> {

    private static final Logger LOG = Logger.getLogger(FlowControlledSender.class);

    /** Produces the messages of one stream; {@code null} once done. Closed at the end in every case. */
    public interface Source<T> extends Closeable {
        T next() throws IOException;
    }

    private final ServerCallStreamObserver<T> call;
    private final Source<T> source;
    private final java.util.function.Function<Throwable, ? extends Throwable> errors;
    private final int maxMessageBytes;
    private boolean finished;

    private FlowControlledSender(ServerCallStreamObserver<T> call, Source<T> source, int maxMessageBytes,
            java.util.function.Function<Throwable, ? extends Throwable> errors) {
        this.errors = errors;
        this.call = call;
        this.source = source;
        this.maxMessageBytes = maxMessageBytes;
    }

    /** Thrown when a source produces a message above the stream's bound: a bug of the sender. */
    public static final class MessageTooLargeException extends IllegalStateException {
        MessageTooLargeException(String message) {
            super(message);
        }
    }

    /**
     * Starts streaming {@code source} to {@code observer}; must be called inside the service method.
     * Each message must serialize to at most {@code maxMessageBytes} (the chunk size plus
     * {@link MessageLimits#CHUNK_OVERHEAD}, say). {@code errors} is the calling service's own mapping
     * from failures to gRPC status.
     */
    public static <T> void start(StreamObserver<T> observer, Source<T> source, int maxMessageBytes,
            java.util.function.Function<Throwable, ? extends Throwable> errors) {
        var call = (ServerCallStreamObserver<T>) observer;
        var sender = new FlowControlledSender<>(call, source, maxMessageBytes, errors);
        call.setOnCancelHandler(sender::cancelled);
        call.setOnReadyHandler(sender::pump);
        sender.pump();
    }

    private synchronized void pump() {
        if (finished) {
            return;
        }
        try {
            while (call.isReady()) {
                if (call.isCancelled()) {
                    finish();
                    return;
                }
                T message = source.next();
                if (message == null) {
                    finish();
                    call.onCompleted();
                    return;
                }
                check(message);
                call.onNext(message);
            }
        } catch (Throwable t) {
            finish();
            if (call.isCancelled()) {
                LOG.debugf("stream cancelled by the client while sending: %s", t.getMessage());
                return;
            }
            call.onError(errors.apply(t));
        }
    }

    private void check(T message) {
        if (message instanceof com.google.protobuf.MessageLite m && m.getSerializedSize() > maxMessageBytes) {
            throw new MessageTooLargeException("a streamed " + message.getClass().getSimpleName() + " of "
                    + MessageLimits.bytes(m.getSerializedSize()) + " is above this stream's bound of "
                    + MessageLimits.bytes(maxMessageBytes) + " (a bug of the sender: it must split what it sends)");
        }
    }

    private synchronized void cancelled() {
        if (!finished) {
            LOG.debug("stream cancelled by the client");
            finish();
        }
    }

    private void finish() {
        finished = true;
        try {
            source.close();
        } catch (IOException e) {
            LOG.debugf("closing a stream source: %s", e.getMessage());
        }
    }
}
