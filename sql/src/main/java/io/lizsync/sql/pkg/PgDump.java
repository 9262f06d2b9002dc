package io.lizsync.sql.pkg;

import io.lizsync.sql.Sql;
import java.io.BufferedReader;
import java.io.IOException;
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

    /** The options of both tools that keep ownership, privileges and the like out of the package. */
    private static final List<String> LEAN = List.of("--no-owner", "--no-privileges", "--no-tablespaces",
            "--no-security-labels", "--no-publications", "--no-subscriptions");

    /** The two structure sections, in the order {@link Structure#copyTo} knows them. */
    static final String PRE_DATA = "pre-data";
    static final String POST_DATA = "post-data";

    /**
     * Starts the structure dump in the exported snapshot, in the background while the build goes
     * on (the data COPY beside it): one pg_dump run, custom format, schema only, into a scratch file
     * beside the archive, then two pg_restore runs at once (no server needed) write its pre-data and
     * post-data sections as SQL. One pg_dump reads the catalog once, where one per section read it twice beside
     * the COPY (ADR 0024, round 5). The exporting transaction must stay open until
     * {@link Structure#copyTo} has returned.
     */
    Structure start(String snapshot, boolean bySchema, List<String> schemas, List<TableName> tables, Path archive)
            throws IOException {
        Path dump = archive.resolveSibling(archive.getFileName() + ".structure.dump");
        List<String> cmd = new ArrayList<>(List.of(executable.toString(), "--format=custom", "--compress=0",
                "--schema-only", "--snapshot=" + snapshot, "--file=" + dump));
        cmd.addAll(LEAN);
        cmd.add("--quote-all-identifiers");
        if (bySchema) {
            for (String s : schemas) {
                cmd.add("--schema=" + Sql.ident(s));
            }
        } else {
            for (TableName t : tables) {
                cmd.add("--table=" + t.dumpPattern());
            }
        }
        return new Structure(cmd, dump, archive);
    }

    /** pg_restore beside pg_dump (same version), else the one on the PATH. */
    private String pgRestore() {
        Path sibling = executable.getParent() == null ? null : executable.resolveSibling("pg_restore");
        return sibling != null && Files.isExecutable(sibling) ? sibling.toString() : "pg_restore";
    }

    private Process launch(List<String> cmd, Path errors) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.to(errors.toFile()));
        pb.environment().putAll(target.environment());
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            return p;
        } catch (IOException e) {
            throw new IOException("cannot run " + cmd.get(0) + " (set lizsync.packaging.pg-dump-path): " + e.getMessage(),
                    e);
        }
    }

    /** The structure being dumped, then written as the two sections' SQL, by a thread of its own. */
    final class Structure implements AutoCloseable {

        private final Path dump;
        private final Path errors;
        private final Path pre;
        private final Path post;
        private final Thread worker;
        private volatile Process current;
        private volatile Process currentPost;
        private volatile boolean closed;
        private volatile IOException failure;

        private Structure(List<String> dumpCommand, Path dump, Path archive) throws IOException {
            this.dump = dump;
            this.errors = archive.resolveSibling(archive.getFileName() + ".structure.err");
            this.pre = archive.resolveSibling(archive.getFileName() + "." + PRE_DATA + ".sql");
            this.post = archive.resolveSibling(archive.getFileName() + "." + POST_DATA + ".sql");
            current = launch(dumpCommand, errors); // a missing pg_dump fails the build at once
            worker = new Thread(this::work, "pg_dump-structure");
            worker.setDaemon(true);
            worker.start();
        }

        private void work() {
            try {
                finish(current, "pg_dump", null, errors);
                if (closed) {
                    return;
                }
                // Both sections at once (each pg_restore only reads the scratch file).
                Process pre = launch(restore(PRE_DATA), errors(PRE_DATA));
                current = pre;
                Process post = launch(restore(POST_DATA), errors(POST_DATA));
                currentPost = post;
                IOException[] postFailure = new IOException[1];
                Thread other = new Thread(() -> {
                    try {
                        finish(post, "pg_restore (" + POST_DATA + ")", this.post, errors(POST_DATA));
                    } catch (IOException e) {
                        postFailure[0] = e;
                    }
                }, "pg_restore-" + POST_DATA);
                other.setDaemon(true);
                other.start();
                try {
                    finish(pre, "pg_restore (" + PRE_DATA + ")", this.pre, errors(PRE_DATA));
                } finally {
                    try {
                        other.join();
                    } catch (InterruptedException e) {
                        post.destroyForcibly();
                        Thread.currentThread().interrupt();
                    }
                }
                if (postFailure[0] != null) {
                    throw postFailure[0];
                }
            } catch (IOException e) {
                failure = e;
            }
        }

        private List<String> restore(String section) {
            List<String> cmd = new ArrayList<>(List.of(pgRestore(), "--section=" + section, "--file=-"));
            cmd.addAll(LEAN);
            cmd.add(dump.toString());
            return cmd;
        }

        /** Standard error of pg_dump, or of one section's pg_restore. */
        private Path errors(String section) {
            return section == null ? errors : errors.resolveSibling(errors.getFileName() + "." + section);
        }

        /**
         * Waits for a process; its standard output, the SQL of a section, goes to {@code sql} without
         * the lines of psql's meta-command guard, which are not SQL.
         */
        private void finish(Process p, String what, Path sql, Path stderr) throws IOException {
            if (sql != null) {
                // ISO-8859-1 maps bytes one to one: the SQL passes through unchanged.
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.ISO_8859_1), 64 * 1024);
                        Writer w = new OutputStreamWriter(Files.newOutputStream(sql), StandardCharsets.ISO_8859_1)) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (!RESTRICT_LINE.matcher(line).matches()) {
                            w.write(line);
                            w.write('\n');
                        }
                    }
                }
            }
            int code;
            try {
                code = p.waitFor();
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException(what + " was interrupted", e);
            }
            if (code != 0) {
                String text = "";
                if (Files.exists(stderr)) {
                    byte[] all = Files.readAllBytes(stderr);
                    text = new String(all, 0, Math.min(all.length, 16384), StandardCharsets.UTF_8).strip();
                }
                throw new IOException(what + " (" + target + ") failed with exit code " + code + ": " + text);
            }
        }

        /** Waits for the structure, then appends the SQL of one section ({@link #PRE_DATA}, {@link #POST_DATA}). */
        void copyTo(String section, OutputStream out) throws IOException {
            try {
                worker.join();
            } catch (InterruptedException e) {
                kill();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while pg_dump was running", e);
            }
            if (failure != null) {
                throw failure;
            }
            Files.copy(section.equals(PRE_DATA) ? pre : post, out);
        }

        /** Stops pg_dump or pg_restore when one still runs (a failed or cancelled build) and deletes the files. */
        @Override
        public void close() throws IOException {
            closed = true;
            kill();
            try {
                worker.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            kill();
            for (Path f : List.of(dump, errors, errors(PRE_DATA), errors(POST_DATA), pre, post)) {
                Files.deleteIfExists(f);
            }
        }

        private void kill() {
            for (Process p : new Process[] {current, currentPost}) {
                if (p != null && p.isAlive()) {
                    p.destroyForcibly();
                }
            }
        }
    }
}
