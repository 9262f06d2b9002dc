package io.lizsync.cli;

import io.grpc.Status;

/**
 * What the CLI's exit code tells a script. A refusal by the gateway is told by the HTTP status of
 * its problem document; a sidecar's (gRPC) by its status code, through the same table as the
 * gateway's ProblemMapper in reverse.
 */
final class ExitCodes {

    /** Done. */
    static final int OK = 0;
    /** Refused or failed operation (conflict with the current state, a failed job, a bad checksum...). */
    static final int FAILED = 1;
    /** Wrong command line, or input the service found invalid (400, 413). */
    static final int USAGE = 2;
    /** Not authenticated (401) or not allowed (403). */
    static final int AUTH = 3;
    /** Unknown id (404, 410). */
    static final int NOT_FOUND = 4;
    /** Gateway or a service unreachable, overloaded or too slow (502, 503, 504, 429, connection refused). */
    static final int UNAVAILABLE = 5;

    private ExitCodes() {
    }

    /** The exit code of an HTTP status the gateway answered with a problem document. */
    static int ofHttpStatus(int status) {
        return switch (status) {
            case 400, 413, 415, 416, 422 -> USAGE;
            case 401, 403 -> AUTH;
            case 404, 410 -> NOT_FOUND;
            case 429, 502, 503, 504 -> UNAVAILABLE;
            default -> status >= 200 && status < 300 ? OK : FAILED;
        };
    }

    /** The exit code of a sidecar's gRPC status. */
    static int ofGrpc(Status.Code code) {
        return switch (code) {
            case OK -> OK;
            case INVALID_ARGUMENT, OUT_OF_RANGE -> USAGE;
            case UNAUTHENTICATED, PERMISSION_DENIED -> AUTH;
            case NOT_FOUND -> NOT_FOUND;
            case UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED -> UNAVAILABLE;
            default -> FAILED;
        };
    }
}
