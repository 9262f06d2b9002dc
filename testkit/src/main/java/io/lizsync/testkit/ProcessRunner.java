package io.lizsync.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external command with a timeout and captures its combined stdout/stderr.
 *
 * <p>Output goes to a temporary file rather than a pipe: {@code pg_ctl start} forks a server that
 * could keep an inherited pipe open, and reading a pipe to its end would then hang although the
 * command itself has finished.
 */
public final class ProcessRunner {

    /** What a finished command left behind. */
    public record Result(List<String> command, int exitCode, String output, Duration elapsed) {

        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** A command that could not be run, ran too long, or exited with a non-zero code. */
    public static final class CommandFailedException extends RuntimeException {

        private final int exitCode;
        private final String output;

        CommandFailedException(String message, int exitCode, String output, Throwable cause) {
            super(message, cause);
            this.exitCode = exitCode;
            this.output = output;
        }

        /** The exit code, or -1 when the command did not run to completion. */
        public int exitCode() {
            return exitCode;
        }

        public String output() {
            return output;
        }
    }

    private ProcessRunner() {
    }

    /** Runs {@code command}; returns whatever its exit code. Throws only if it cannot run or times out. */
    public static Result run(List<String> command, Duration timeout) {
        return run(command, timeout, Map.of());
    }

    /**
     * Runs {@code command} with environment changes ({@code null} value = remove the variable).
     * The working directory is {@code /}: PostgreSQL tools call {@code getcwd()} and fail when they
     * run as another OS user who cannot read the JVM's working directory.
     */
    public static Result run(List<String> command, Duration timeout, Map<String, String> env) {
        Path out = null;
        Process process = null;
        long t0 = System.nanoTime();
        try {
            out = Files.createTempFile("lizsync-testkit-cmd", ".out");
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(new File("/"))
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            env.forEach((k, v) -> {
                if (v == null) {
                    pb.environment().remove(k);
                } else {
                    pb.environment().put(k, v);
                }
            });
            process = pb.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                destroyTree(process);
                String output = read(out);
                throw new CommandFailedException("command timed out after " + timeout.toSeconds() + " s: "
                        + describe(command) + tailForMessage(output), -1, output, null);
            }
            return new Result(List.copyOf(command), process.exitValue(), read(out),
                    Duration.ofNanos(System.nanoTime() - t0));
        } catch (IOException e) {
            throw new CommandFailedException("could not run " + describe(command) + ": " + e.getMessage(), -1, "", e);
        } catch (InterruptedException e) {
            destroyTree(process);
            Thread.currentThread().interrupt();
            throw new CommandFailedException("interrupted while running " + describe(command), -1, "", e);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
    }

    /** Runs {@code command} and throws {@link CommandFailedException} (with its output) unless it exits with 0. */
    public static Result check(List<String> command, Duration timeout) {
        return check(command, timeout, Map.of());
    }

    /** {@link #check(List, Duration)} with environment changes as in {@link #run(List, Duration, Map)}. */
    public static Result check(List<String> command, Duration timeout, Map<String, String> env) {
        Result r = run(command, timeout, env);
        if (!r.ok()) {
            throw new CommandFailedException("command exited with code " + r.exitCode() + ": " + describe(command)
                    + tailForMessage(r.output()), r.exitCode(), r.output(), null);
        }
        return r;
    }

    static String describe(List<String> command) {
        return String.join(" ", command);
    }

    /** The last {@code maxLines} lines of {@code text}. */
    static String tail(String text, int maxLines) {
        String[] lines = text.strip().split("\n");
        int from = Math.max(0, lines.length - maxLines);
        return String.join("\n", Arrays.asList(lines).subList(from, lines.length));
    }

    private static String tailForMessage(String output) {
        return output.isBlank() ? "" : "\n" + tail(output, 30);
    }

    private static String read(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }

    private static void destroyTree(Process process) {
        if (process == null) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
