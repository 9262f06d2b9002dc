package io.lizsync.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The LizSync tools versions of the build under test, read from the migrations on the test's
 * classpath ({@code db/lizsync/V<n>__*.sql}, module {@code sql}): tests compare installed versions
 * with {@link #current()} instead of a number, so that adding (or renumbering) a migration changes
 * the migration file alone.
 */
public final class ToolsVersions {

    private static final String LOCATION = "db/lizsync";
    private static final Pattern MIGRATION = Pattern.compile("(?:^|/)V(\\d+)__[^/]*\\.sql$");

    private ToolsVersions() {
    }

    /** The latest tools version (the highest migration number). */
    public static String current() {
        List<String> all = all();
        return all.get(all.size() - 1);
    }

    /** Every tools version, oldest first. */
    public static List<String> all() {
        List<String> out = new ArrayList<>();
        versions(LOCATION).forEach(v -> out.add(String.valueOf(v)));
        return out;
    }

    /**
     * The highest migration number under another Flyway {@code location} of the test's classpath
     * (a service's own schema, e.g. {@code db/registry}), the same way.
     */
    public static int latestIn(String location) {
        return versions(location).last();
    }

    private static TreeSet<Integer> versions(String location) {
        TreeSet<Integer> versions = new TreeSet<>();
        try {
            for (URL url : Collections.list(ToolsVersions.class.getClassLoader().getResources(location))) {
                for (String name : names(url, location)) {
                    Matcher m = MIGRATION.matcher(name);
                    if (m.find()) {
                        versions.add(Integer.parseInt(m.group(1)));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (versions.isEmpty()) {
            throw new IllegalStateException("no migration (" + location + "/V<n>__*.sql) on the classpath"
                    + (location.equals(LOCATION) ? ": the test needs module sql" : ""));
        }
        return versions;
    }

    /** Every version after {@code version}, oldest first (what an upgrade from it applies). */
    public static List<String> after(String version) {
        int from = Integer.parseInt(version);
        return all().stream().filter(v -> Integer.parseInt(v) > from).toList();
    }

    private static List<String> names(URL url, String location) throws IOException {
        if ("jar".equals(url.getProtocol())) {
            JarURLConnection connection = (JarURLConnection) url.openConnection();
            connection.setUseCaches(false);
            try (JarFile jar = connection.getJarFile()) {
                return jar.stream().map(e -> e.getName()).filter(n -> n.startsWith(location + "/")).toList();
            }
        }
        if ("file".equals(url.getProtocol())) {
            try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
                return files.map(p -> p.getFileName().toString()).toList();
            } catch (URISyntaxException e) {
                throw new IOException("unreadable migration location " + url, e);
            }
        }
        return List.of();
    }
}
