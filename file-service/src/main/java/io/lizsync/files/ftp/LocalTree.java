package io.lizsync.files.ftp;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Lists a local folder recursively: regular files with size and time, folders; excluded folders
 * are not entered, symbolic links are not followed, temporary part files and the backups of
 * adapted projects are left out, and names
 * no FTP server should receive (control characters, "\") are refused.
 */
public final class LocalTree {

    /** Originals kept by adapting projects (qgis-projects' backup suffix): they stay on this host. */
    public static final String BACKUP_SUFFIX = ".lizsync-orig";

    private LocalTree() {
    }

    /** The listing under {@code root}; an empty one when the folder does not exist yet. */
    public static Listing list(Path root, Exclusions exclusions) throws IOException {
        Map<String, FileEntry> files = new TreeMap<>();
        Set<String> dirs = new LinkedHashSet<>();
        List<Listing.Refused> refused = new ArrayList<>();
        Map<String, Long> parts = new TreeMap<>();
        if (!Files.isDirectory(root)) {
            return Listing.empty();
        }
        // Each path relative to the root is its folder's (kept while the folder is walked) plus its
        // name: no relativize, toString and separator replace per file (a nothing-changed mirror
        // walks its whole folder, ADR 0022 "Speed").
        Deque<String> folders = new ArrayDeque<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (folders.isEmpty()) {
                    folders.push("");
                    return FileVisitResult.CONTINUE;
                }
                String name = dir.getFileName().toString();
                String rel = child(folders.peek(), name);
                Optional<String> why = SafeNames.refuse(name);
                if (why.isPresent()) {
                    refused.add(new Listing.Refused(Listing.printable("", rel), "unsafe " + why.get() + ": refused"));
                    return FileVisitResult.SKIP_SUBTREE;
                }
                if (exclusions.excludesDir(rel)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                dirs.add(rel);
                folders.push(rel);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                folders.pop();
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                String name = file.getFileName().toString();
                String rel = child(folders.peek(), name);
                if (PartNames.isPart(name)) {
                    if (attrs.isRegularFile()) {
                        parts.put(rel, attrs.size());
                    }
                    return FileVisitResult.CONTINUE;
                }
                if (name.endsWith(BACKUP_SUFFIX)) {
                    return FileVisitResult.CONTINUE;
                }
                if (attrs.isSymbolicLink()) {
                    refused.add(new Listing.Refused(Listing.printable("", rel), "a symbolic link: not followed"));
                } else if (attrs.isRegularFile()) {
                    Optional<String> why = SafeNames.refuse(name);
                    if (why.isPresent()) {
                        refused.add(new Listing.Refused(Listing.printable("", rel), "unsafe " + why.get() + ": refused"));
                    } else {
                        files.put(rel, new FileEntry(rel, attrs.size(), attrs.lastModifiedTime().toInstant()));
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                refused.add(new Listing.Refused(Listing.printable("", relative(root, file)), "cannot be read: "
                        + e.getClass().getSimpleName()));
                return FileVisitResult.CONTINUE;
            }
        });
        return new Listing(files, dirs, refused, parts);
    }

    private static String child(String folder, String name) {
        return folder.isEmpty() ? name : folder + "/" + name;
    }

    private static String relative(Path root, Path p) {
        return root.relativize(p).toString().replace(java.io.File.separatorChar, '/');
    }
}
