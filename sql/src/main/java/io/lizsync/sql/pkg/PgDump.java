package io.lizsync.sql.pkg;

import io.lizsync.sql.Sql;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The structure sections of a package from pg_dump, run in the build's exported snapshot: which
 * pg_dump to run, its arguments (every identifier quoted), its output streamed into the archive
 * without psql's meta-command guard lines, and its errors (kept short) when it fails.
 */
final class PgDump {

    private static final Pattern RESTRICT_LINE = Pattern.compile("^\\\\(un)?restrict [A-Za-z0-9]+\\s*$");

    private final Path executable;
    private final LibpqTarget target;

    PgDump(Path executable, LibpqTarget target) {
        this.executable = executable;
        this.target = target;
    }

    /** pg_dump: the configured path, else the newest under /usr/lib/postgresql, else the PATH. */
    static Path find(String configured) {
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path base = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(base)) {
            try (var dirs = Files.list(base)) {
                var found = dirs.map(d -> d.resolve("bin/pg_dump")).filter(Files::isExecutable)
                        .max((a, b) -> Integer.compare(major(a), major(b)));
                if (found.isPresent()) {
                    return found.get();
                }
            } catch (IOException e) {
                // fall through to the PATH
            }
        }
        return Path.of("pg_dump");
    }

    private static int major(Path pgDump) {
        try {
            return Integer.parseInt(pgDump.getParent().getParent().getFileName().toString());
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /**
     * Starts pg_dump for one section in the exported snapshot, its SQL going to a temporary file
     * while the build goes on (the data COPY beside it): the two structure sections of a build
     * cost one pg_dump run of wall time, not two plus the data. The exporting transaction must stay
     * open until {@link Section#copyTo} has returned.
     */
    Section start(String snapshot, String section, boolean bySchema, List<String> schemas, List<TableName> tables,
            Path file) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(executable.toString(), "--schema-only", "--section=" + section,
                "--snapshot=" + snapshot, "--no-owner", "--no-privileges", "--no-tablespaces",
                "--no-security-labels", "--no-publications", "--no-subscriptions", "--quote-all-identifiers"));
        if (bySchema) {
            for (String s : schemas) {
                cmd.add("--schema=" + Sql.ident(s));
            }
        } else {
            for (TableName t : tables) {
                cmd.add("--table=" + t.dumpPattern());
            }
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(target.environment());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException("cannot run " + executable + " (set lizsync.packaging.pg-dump-path): " + e.getMessage(), e);
        }
        return new Section(section, p, file);
    }

    /** One section being dumped into its file by a thread of its own. */
    final class Section implements AutoCloseable {

        private final String name;
        private final Process process;
        private final Path file;
        private final ByteArrayOutputStream errors = new ByteArrayOutputStream();
        private final Thread drain;
        private final Thread writer;
        private volatile IOException failure;

        private Section(String name, Process process, Path file) throws IOException {
            this.name = name;
            this.process = process;
            this.file = file;
            process.getOutputStream().close();
            drain = daemon("pg_dump-stderr", this::drainErrors);
            writer = daemon("pg_dump-" + name, this::write);
        }

        private void drainErrors() {
            try (InputStream err = process.getErrorStream()) {
                byte[] buf = new byte[4096];
                int n;
                while ((n = err.read(buf)) > 0) {
                    synchronized (errors) {
                        if (errors.size() < 16384) {
                            errors.write(buf, 0, n);
                        }
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }

        private void write() {
            // ISO-8859-1 maps bytes one to one: the SQL passes through unchanged but for the \restrict
            // lines of psql's meta-command guard, which are not SQL.
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.ISO_8859_1), 64 * 1024);
                    Writer w = new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.ISO_8859_1)) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (!RESTRICT_LINE.matcher(line).matches()) {
                        w.write(line);
                        w.write('\n');
                    }
                }
            } catch (IOException e) {
                failure = e;
            }
        }

        /** Waits for pg_dump to end, then appends the section's SQL to {@code out}. */
        void copyTo(OutputStream out) throws IOException {
            int code;
            try {
                writer.join();
                code = process.waitFor();
                drain.join(5000);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while pg_dump was running", e);
            }
            if (code != 0) {
                String text;
                synchronized (errors) {
                    text = errors.toString(StandardCharsets.UTF_8).strip();
                }
                throw new IOException("pg_dump (" + name + ", " + target + ") failed with exit code " + code + ": " + text);
            }
            if (failure != null) {
                throw new IOException("pg_dump (" + name + "): writing " + file + " failed: " + failure.getMessage(),
                        failure);
            }
            Files.copy(file, out);
        }

        private static Thread daemon(String name, Runnable work) {
            Thread t = new Thread(work, name);
            t.setDaemon(true);
            t.start();
            return t;
        }

        /** Stops pg_dump when it still runs (a failed or cancelled build) and deletes the file. */
        @Override
        public void close() throws IOException {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
            try {
                writer.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Files.deleteIfExists(file);
        }
    }
}
