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
    private boolean finished;

    private FlowControlledSender(ServerCallStreamObserver<T> call, Source<T> source,
            java.util.function.Function<Throwable, ? extends Throwable> errors) {
        this.errors = errors;
        this.call = call;
        this.source = source;
    }

    /**
     * Starts streaming {@code source} to {@code observer}; must be called inside the service method.
     * {@code errors} is the calling service's own mapping from failures to gRPC status.
     */
    public static <T> void start(StreamObserver<T> observer, Source<T> source,
            java.util.function.Function<Throwable, ? extends Throwable> errors) {
        var call = (ServerCallStreamObserver<T>) observer;
        var sender = new FlowControlledSender<>(call, source, errors);
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
