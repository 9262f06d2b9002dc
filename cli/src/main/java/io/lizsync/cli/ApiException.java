package io.lizsync.cli;

/** The gateway refused a request: the problem document it answered. */
final class ApiException extends RuntimeException {

    private final Problem problem;

    ApiException(Problem problem) {
        super(problem.describe());
        this.problem = problem;
    }

    Problem problem() {
        return problem;
    }

    int status() {
        return problem.status();
    }
}
