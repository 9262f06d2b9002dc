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

    /** Runs pg_dump for one section in the exported snapshot, streaming its SQL into {@code out}. */
    void section(String snapshot, String section, boolean bySchema, List<String> schemas, List<TableName> tables,
            OutputStream out) throws IOException {
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
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        Thread drain = new Thread(() -> {
            try (InputStream err = p.getErrorStream()) {
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
        }, "pg_dump-stderr");
        drain.setDaemon(true);
        drain.start();
        p.getOutputStream().close();
        // ISO-8859-1 maps bytes one to one: the SQL passes through unchanged but for the \restrict
        // lines of psql's meta-command guard, which are not SQL.
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.ISO_8859_1),
                64 * 1024)) {
            Writer w = new OutputStreamWriter(out, StandardCharsets.ISO_8859_1);
            String line;
            while ((line = r.readLine()) != null) {
                if (!RESTRICT_LINE.matcher(line).matches()) {
                    w.write(line);
                    w.write('\n');
                }
            }
            w.flush();
        }
        int code;
        try {
            code = p.waitFor();
            drain.join(5000);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while pg_dump was running", e);
        }
        if (code != 0) {
            String text;
            synchronized (errors) {
                text = errors.toString(StandardCharsets.UTF_8).strip();
            }
            throw new IOException("pg_dump (" + section + ", " + target + ") failed with exit code " + code + ": " + text);
        }
    }

}
