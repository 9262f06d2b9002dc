package io.lizsync.qgis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Adapts the QGIS projects of a folder to a clone's database: every {@code .qgs}, {@code .qgz},
 * {@code .qlr} and {@code .qml} file under it (sub-folders included, symbolic links not followed)
 * whose PostgreSQL data sources point at the central database is rewritten to point at the clone's
 * ({@link ProjectXmlAdapter} lists the places, {@link PgDataSource} the string rules). A rewritten
 * file's original is kept beside it as {@code <name>}{@value #BACKUP_SUFFIX} (replaced at the next
 * adaptation that changes the file), and the new content is written to a temporary file renamed
 * over the original: a reader never sees half a project. A file that cannot be read as a project
 * (not XML, a bad archive entry) is skipped and reported, the others are still adapted. A file
 * pointing at nothing of central is left untouched (no backup, same modification time).
 *
 * <p>Embedded layers point at another project ({@code project="…"}): one inside the folder is
 * adapted like any other file; one outside it, or missing, is reported as skipped.
 */
public final class QgisFolderAdapter {

    /** Appended to a rewritten file's name for the copy of its original. */
    public static final String BACKUP_SUFFIX = ".lizsync-orig";

    private static final Set<String> XML_EXTENSIONS = Set.of("qgs", "qlr", "qml");
    private static final String ARCHIVE_EXTENSION = "qgz";

    /**
     * Adapts every project file under {@code folder}.
     *
     * @throws IllegalArgumentException the folder is not a directory
     * @throws UncheckedIOException     the folder cannot be listed
     */
    public AdaptReport adaptFolder(Path folder, PgTarget central, PgTarget clone) {
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("not a folder: " + folder);
        }
        Path root = folder.toAbsolutePath().normalize();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> isProjectFile(p.getFileName().toString()))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder + ": " + e.getMessage(), e);
        }
        List<String> adapted = new ArrayList<>();
        java.util.Map<String, Integer> byFile = new java.util.HashMap<>();
        List<String> unchanged = new ArrayList<>();
        List<AdaptReport.Skipped> skipped = new ArrayList<>();
        Set<String> embeddedOutside = new TreeSet<>();
        int rewritten = 0;
        for (Path file : files) {
            String name = relative(root, file);
            try {
                byte[] original = readBounded(file);
                ProjectBytes.Outcome outcome = isArchive(file)
                        ? ProjectBytes.adaptQgz(original, central, clone)
                        : ProjectBytes.adaptXml(original, central, clone);
                for (String embedded : outcome.embeddedProjects()) {
                    checkEmbedded(root, file, embedded).ifPresent(reason -> embeddedOutside.add(name + "\u0000" + reason));
                }
                if (!outcome.changed()) {
                    unchanged.add(name);
                    continue;
                }
                replaceKeepingBackup(file, original, outcome.bytes());
                adapted.add(name);
                byFile.put(name, outcome.rewritten());
                rewritten += outcome.rewritten();
            } catch (ProjectBytes.BadProjectException e) {
                skipped.add(new AdaptReport.Skipped(name, e.getMessage()));
            } catch (IOException | UncheckedIOException | IllegalStateException e) {
                skipped.add(new AdaptReport.Skipped(name, "cannot be rewritten: " + e.getMessage()));
            }
        }
        for (String entry : embeddedOutside) {
            int sep = entry.indexOf('\u0000');
            skipped.add(new AdaptReport.Skipped(entry.substring(0, sep), entry.substring(sep + 1)));
        }
        return new AdaptReport(adapted, rewritten, unchanged, skipped, byFile);
    }

    static boolean isProjectFile(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        int dot = lower.lastIndexOf('.');
        if (dot < 0 || lower.startsWith(".")) {
            return false;
        }
        String ext = lower.substring(dot + 1);
        return XML_EXTENSIONS.contains(ext) || ARCHIVE_EXTENSION.equals(ext);
    }

    private static boolean isArchive(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith("." + ARCHIVE_EXTENSION);
    }

    /** Why an embedded project will not be adapted with this folder, or empty when it will. */
    private static java.util.Optional<String> checkEmbedded(Path root, Path file, String embedded) {
        Path target;
        try {
            Path given = Path.of(embedded);
            target = (given.isAbsolute() ? given : file.getParent().resolve(given)).normalize();
        } catch (RuntimeException e) {
            return java.util.Optional.of("embedded project " + embedded + ": not a path");
        }
        if (!target.startsWith(root)) {
            return java.util.Optional.of("embedded project " + embedded + " is outside the folder: not adapted");
        }
        if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            return java.util.Optional.of("embedded project " + embedded + " is missing: not adapted");
        }
        return java.util.Optional.empty();
    }

    private static byte[] readBounded(Path file) throws IOException, ProjectBytes.BadProjectException {
        long size = Files.size(file);
        if (size > ProjectBytes.MAX_PROJECT_BYTES) {
            throw new ProjectBytes.BadProjectException("larger than " + (ProjectBytes.MAX_PROJECT_BYTES >> 20) + " MiB");
        }
        return Files.readAllBytes(file);
    }

    /** The original copied to its backup, then the new content renamed over the file. */
    private static void replaceKeepingBackup(Path file, byte[] original, byte[] content) throws IOException {
        Path dir = file.getParent();
        String name = file.getFileName().toString();
        Path backupTmp = Files.createTempFile(dir, "." + name + ".", ".tmp");
        Path tmp = Files.createTempFile(dir, "." + name + ".", ".tmp");
        try {
            Files.write(backupTmp, original, StandardOpenOption.TRUNCATE_EXISTING);
            move(backupTmp, dir.resolve(name + BACKUP_SUFFIX));
            Files.write(tmp, content, StandardOpenOption.TRUNCATE_EXISTING);
            move(tmp, file);
        } finally {
            Files.deleteIfExists(backupTmp);
            Files.deleteIfExists(tmp);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }
}
