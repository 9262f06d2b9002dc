package io.lizsync.cli;

/** A command line (or configuration file) the CLI refuses before anything is called: exit code 2. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
