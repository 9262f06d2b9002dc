package io.lizsync.packaging.grpc;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.Callable;

/** The unary call shape of this service's transports: one answer, or the mapped error. */
final class Calls {

    private Calls() {
    }

    static <T> void unary(StreamObserver<T> response, Callable<T> work) {
        T result;
        try {
            result = work.call();
        } catch (Exception e) {
            response.onError(GrpcErrors.toStatus(e));
            return;
        }
        response.onNext(result);
        response.onCompleted();
    }

    /** The login of the caller (from its verified token), empty outside a call that needs one. */
    static String login() {
        var caller = io.lizsync.grpckit.auth.Caller.current();
        return caller == null ? "" : caller.login();
    }
}
