package io.lizsync.cli;

/** An operation that failed on this side (a checksum, a stream that ended early, a file): exit code 1. */
final class CliFailure extends RuntimeException {
    CliFailure(String message) {
        super(message);
    }
}
