package io.lizsync.gateway.rest.devices;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.lizsync.grpckit.StreamReader;
import io.lizsync.proto.sync.v1.DownloadChunk;
import io.lizsync.proto.sync.v1.DownloadRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Central's download call, watched without holding a thread until the gateway knows how to answer
 * (ADR 0021): an answer of one chunk once the call has also ended well (it is sent whole), a longer
 * one at its first chunk (a worker streams it from the reader, which holds that chunk), or the
 * call's failure before any chunk (a problem document: central's refusals come first). Runs on the
 * gRPC transport's thread; gRPC calls an observer's methods one at a time.
 */
final class DownloadStart implements ClientResponseObserver<DownloadRequest, DownloadChunk> {

    /** How to answer: {@code whole}, the only chunk of a call that ended well; else stream {@code reader}. */
    record Start(DownloadChunk whole, StreamReader<DownloadRequest, DownloadChunk> reader) {
    }

    private final StreamReader<DownloadRequest, DownloadChunk> reader;
    private final CompletableFuture<Start> started = new CompletableFuture<>();
    private ClientCallStreamObserver<DownloadRequest> call;
    private boolean first = true;
    /** The first chunk when it was also the last, until the call's end says whether it stands. */
    private DownloadChunk only;

    DownloadStart(StreamReader<DownloadRequest, DownloadChunk> reader) {
        this.reader = reader;
    }

    /** Completes once the answer's shape is known; fails with the call's status before any chunk. */
    CompletionStage<Start> started() {
        return started;
    }

    /** Abandons the call unless it ended (the HTTP request went away, or waited too long). */
    void cancel() {
        if (!started.isDone() || started.join().whole() == null) {
            reader.close();
        }
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<DownloadRequest> requestStream) {
        call = requestStream;
        reader.beforeStart(requestStream);
    }

    @Override
    public void onNext(DownloadChunk chunk) {
        if (first) {
            first = false;
            if (chunk.getLast()) {
                only = chunk;
                return;
            }
            reader.onNext(chunk);
            started.complete(new Start(null, reader));
        } else if (only != null) {
            // Nothing comes after the last chunk: the answer stands, the rest of the call is dropped.
            Start whole = new Start(only, null);
            only = null;
            started.complete(whole);
            call.cancel("a message after the download's last chunk", null);
        } else if (!started.isDone() || started.join().whole() == null) {
            reader.onNext(chunk);
        }
    }

    @Override
    public void onError(Throwable t) {
        if (!started.isDone()) {
            started.completeExceptionally(Status.fromThrowable(t).asRuntimeException());
        } else {
            reader.onError(t);
        }
    }

    @Override
    public void onCompleted() {
        if (only != null) {
            started.complete(new Start(only, null));
        } else if (!started.isDone()) {
            started.completeExceptionally(Status.INTERNAL
                    .withDescription("sync-service ended the download without any chunk").asRuntimeException());
        } else {
            reader.onCompleted();
        }
    }
}
