package io.lizsync.files.repository;

import io.lizsync.grpckit.PrivateDirs;
import io.lizsync.files.config.FilesConfig;
import io.lizsync.files.service.MediaPath;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The media files on disk: {@code <workDir>/media/<project key>/<path>}, uploads in progress in
 * {@code <workDir>/tmp/}. Paths are only built from a validated {@link MediaPath}, and every
 * resolved file is checked to stay inside its project's folder (symbolic links included).
 */
@ApplicationScoped
public class MediaStore {

    private static final Logger LOG = Logger.getLogger(MediaStore.class);
    private static final int CHECKSUM_CACHE_LIMIT = 10_000;

    /** A media file found on disk. */
    public record MediaFile(String projectKey, String path, Path file, long size, Instant modifiedAt) {
    }

    private record CachedChecksum(long size, long modifiedMillis, String sha256) {
    }

    private final Path workDir;
    private final Path mediaRoot;
    private final Path tmpDir;
    private final Map<Path, CachedChecksum> checksums = new ConcurrentHashMap<>();

    MediaStore(FilesConfig config) {
        this.workDir = config.workDir().toAbsolutePath().normalize();
        this.mediaRoot = workDir.resolve("media");
        this.tmpDir = workDir.resolve("tmp");
    }

    public Path workDir() {
        return workDir;
    }

    /** Creates the media and temporary folders when missing. */
    public void createFolders() throws IOException {
        PrivateDirs.create(mediaRoot);
        PrivateDirs.create(tmpDir);
    }

    /** Every regular file of a project, ordered by path; an unknown project has none. */
    public List<MediaFile> list(String projectKey) throws IOException {
        Path project = mediaRoot.resolve(MediaPath.projectKey(projectKey));
        List<MediaFile> out = new ArrayList<>();
        if (!Files.isDirectory(project, LinkOption.NOFOLLOW_LINKS)) {
            return out;
        }
        try (Stream<Path> files = Files.walk(project)) { // does not follow symbolic links
            for (Path file : (Iterable<Path>) files::iterator) {
                BasicFileAttributes attrs;
                try {
                    attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException e) {
                    continue; // removed meanwhile
                }
                if (!attrs.isRegularFile()) {
                    continue;
                }
                String relative = project.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                if (!MediaPath.isValidRelative(relative)) {
                    LOG.debugf("project %s: %s skipped (not a valid media path)", projectKey, relative);
                    continue;
                }
                out.add(new MediaFile(projectKey, relative, file, attrs.size(), attrs.lastModifiedTime().toInstant()));
            }
        }
        out.sort((a, b) -> a.path().compareTo(b.path()));
        return out;
    }

    /**
     * The regular file at a media path, if any.
     *
     * @throws IllegalArgumentException when the file (through a symbolic link) lies outside the
     *         project's media folder
     */
    public Optional<MediaFile> find(MediaPath path) throws IOException {
        Path file = resolve(path);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Path project = mediaRoot.resolve(path.projectKey());
        if (!file.toRealPath().startsWith(project.toRealPath())) {
            throw new IllegalArgumentException("path leaves the project's media folder");
        }
        BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
        if (!attrs.isRegularFile()) {
            return Optional.empty();
        }
        return Optional.of(new MediaFile(path.projectKey(), path.relative(), file, attrs.size(),
                attrs.lastModifiedTime().toInstant()));
    }

    /** Whether something (file or folder) already occupies a media path. */
    public boolean exists(MediaPath path) {
        return Files.exists(resolve(path), LinkOption.NOFOLLOW_LINKS);
    }

    /** A new empty file for an upload in progress. */
    public Path newTempFile() throws IOException {
        PrivateDirs.create(tmpDir);
        return Files.createTempFile(tmpDir, "upload-", ".part");
    }

    /**
     * Moves a finished upload to its media path in one atomic step: readers see the old file or
     * the whole new one, never a part.
     *
     * @throws FileAlreadyExistsException when something is there and {@code overwrite} is false
     */
    public MediaFile publish(Path temp, MediaPath path, boolean overwrite, String sha256) throws IOException {
        Path target = resolve(path);
        Path parent = createParents(path);
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(path.relative(), null, "a folder has this path");
        }
        if (overwrite) {
            move(temp, target);
        } else {
            boolean linked;
            try {
                // A hard link never replaces an existing file: no window between check and move.
                Files.createLink(target, temp);
                linked = true;
            } catch (FileAlreadyExistsException e) {
                throw e;
            } catch (UnsupportedOperationException | FileSystemException e) {
                LOG.debugf("hard links unavailable in %s (%s); check-then-move", parent, e.getMessage());
                linked = false;
            }
            if (linked) {
                Files.delete(temp);
            } else {
                if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    throw new FileAlreadyExistsException(path.relative());
                }
                move(temp, target);
            }
        }
        BasicFileAttributes attrs = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        remember(target, attrs, sha256);
        return new MediaFile(path.projectKey(), path.relative(), target, attrs.size(),
                attrs.lastModifiedTime().toInstant());
    }

    /**
     * Creates the project folder and the folders of a media path one step at a time, never
     * through a symbolic link that leads outside the project (so nothing is created outside).
     */
    private Path createParents(MediaPath path) throws IOException {
        PrivateDirs.create(mediaRoot);
        Path project = mediaRoot.resolve(path.projectKey());
        mkdir(project);
        Path projectReal = project.toRealPath();
        Path current = project;
        for (String step : path.segments().subList(0, path.segments().size() - 1)) {
            current = current.resolve(step);
            checkLink(current, projectReal);
            mkdir(current);
        }
        return current;
    }

    /**
     * Refuses a media path that goes through a symbolic link leading out of its project (checked
     * before an upload writes anything; {@link #publish} checks again).
     */
    public void requireInside(MediaPath path) throws IOException {
        Path project = mediaRoot.resolve(path.projectKey());
        if (!Files.isDirectory(project)) {
            return;
        }
        Path projectReal = project.toRealPath();
        Path current = project;
        for (String step : path.segments()) {
            current = current.resolve(step);
            if (!Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            checkLink(current, projectReal);
        }
    }

    private static void checkLink(Path step, Path projectReal) throws IOException {
        if (!Files.isSymbolicLink(step)) {
            return;
        }
        try {
            if (step.toRealPath().startsWith(projectReal)) {
                return;
            }
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("path goes through a broken symbolic link");
        }
        throw new IllegalArgumentException("path leaves the project's media folder");
    }

    private static void mkdir(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw new FileAlreadyExistsException(dir.getFileName().toString(), null, "a file is in the way of a folder");
            }
        }
    }

    /** Hex SHA-256 of a media file, cached while its size and modification time do not change. */
    public String sha256(MediaFile media) throws IOException {
        long modified = media.modifiedAt().toEpochMilli();
        CachedChecksum cached = checksums.get(media.file());
        if (cached != null && cached.size() == media.size() && cached.modifiedMillis() == modified) {
            return cached.sha256();
        }
        MessageDigest digest = newSha256();
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(media.file())) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        String sha = HexFormat.of().formatHex(digest.digest());
        if (checksums.size() >= CHECKSUM_CACHE_LIMIT) {
            checksums.clear();
        }
        checksums.put(media.file(), new CachedChecksum(media.size(), modified, sha));
        return sha;
    }

    /** Deletes uploads left in the temporary folder by a crash, once they are a day old. */
    public int deleteStaleUploads() throws IOException {
        if (!Files.isDirectory(tmpDir)) {
            return 0;
        }
        Instant limit = Instant.now().minus(Duration.ofDays(1));
        int deleted = 0;
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(tmpDir, "upload-*.part")) {
            for (Path part : parts) {
                if (Files.getLastModifiedTime(part, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(limit)
                        && Files.deleteIfExists(part)) {
                    deleted++;
                }
            }
        }
        return deleted;
    }

    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private Path resolve(MediaPath path) {
        Path project = mediaRoot.resolve(path.projectKey());
        Path file = project;
        for (String step : path.segments()) {
            file = file.resolve(step);
        }
        file = file.normalize();
        if (!file.startsWith(project) || file.equals(project)) { // cannot happen after validation; kept as a guard
            throw new IllegalArgumentException("path leaves the project's media folder");
        }
        return file;
    }

    private void remember(Path file, BasicFileAttributes attrs, String sha256) {
        if (checksums.size() >= CHECKSUM_CACHE_LIMIT) {
            checksums.clear();
        }
        checksums.put(file, new CachedChecksum(attrs.size(), attrs.lastModifiedTime().toMillis(), sha256));
    }

    private static void move(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the work directory's tmp/ and media/ folders must be on one file system "
                    + "(an atomic rename is needed): " + e.getMessage(), e);
        }
    }
}
