package io.lizsync.grpckit.jobs;

import com.google.protobuf.Message;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The {@code lizsync.jobs.v1.Jobs} calls over a {@link JobRegistry}, written once: each service's
 * gRPC class (generated base classes are per service) delegates its four methods here, with its one
 * table of errors. WatchJob follows the client's flow control (a slow client gets the latest state).
 *
 * @param <J> the service's generated {@code Job}
 */
public final class JobCalls<J extends Message> {

    private final JobRegistry<J> registry;
    private final Function<Throwable, StatusRuntimeException> errors;

    public JobCalls(JobRegistry<J> registry, Function<Throwable, StatusRuntimeException> errors) {
        this.registry = registry;
        this.errors = errors;
    }

    public void get(String jobId, StreamObserver<J> response) {
        unary(response, () -> registry.get(jobId));
    }

    /** A page; {@code answer} builds the service's ListJobsResponse from the jobs and the next page token. */
    public <R> void list(String kind, String subject, int pageSize, String pageToken,
            BiFunction<List<J>, String, R> answer, StreamObserver<R> response) {
        unary(response, () -> {
            JobPages.Page<J> page = registry.list(kind, subject, pageSize, pageToken);
            return answer.apply(page.items(), page.nextPageToken());
        });
    }

    public void watch(String jobId, StreamObserver<J> response) {
        try {
            registry.watch(jobId, JobFanOut.Sink.of(response));
        } catch (Exception e) {
            response.onError(errors.apply(e));
        }
    }

    public void cancel(String jobId, StreamObserver<J> response) {
        unary(response, () -> registry.cancel(jobId));
    }

    private <T> void unary(StreamObserver<T> response, Callable<T> work) {
        T result;
        try {
            result = work.call();
        } catch (Exception e) {
            response.onError(errors.apply(e));
            return;
        }
        response.onNext(result);
        response.onCompleted();
    }
}
