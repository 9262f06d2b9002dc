package io.lizsync.packaging.repository;

import io.lizsync.grpckit.PrivateDirs;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.lizsync.packaging.config.PackagingConfig;
import io.lizsync.packaging.service.CorruptPackageException;
import io.lizsync.proto.packaging.v1.PackageInfo;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The package storage directory: {@code <uuid>.zip} archives, each with a {@code <uuid>.json}
 * sidecar holding its {@link PackageInfo} in proto3 JSON. Paths are only ever built from parsed
 * {@link UUID}s, never from caller text.
 */
@ApplicationScoped
public class PackageFileStore {

    private static final Logger LOG = Logger.getLogger(PackageFileStore.class);
    private static final Pattern SIDECAR_NAME = Pattern.compile(
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.json");
    private static final JsonFormat.Parser JSON = JsonFormat.parser().ignoringUnknownFields();

    /** A package found in the storage directory. */
    public record StoredPackage(UUID id, PackageInfo info, Path archive) {
    }

    private final Path dir;

    PackageFileStore(PackagingConfig config) {
        this.dir = config.storageDir().toAbsolutePath().normalize();
    }

    public Path directory() {
        return dir;
    }

    public Path archivePath(UUID id) {
        return dir.resolve(id + ".zip");
    }

    public Path sidecarPath(UUID id) {
        return dir.resolve(id + ".json");
    }

    /**
     * Every package whose sidecar parses and whose archive exists. Unreadable sidecars and
     * sidecars without an archive are skipped with a warning (a listing must not fail because of
     * one broken package).
     */
    public List<StoredPackage> findAll() throws IOException {
        List<StoredPackage> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*.json")) {
            for (Path sidecar : entries) {
                String name = sidecar.getFileName().toString();
                if (!SIDECAR_NAME.matcher(name).matches()) {
                    LOG.debugf("ignoring %s: not named <uuid>.json", sidecar);
                    continue;
                }
                UUID id = UUID.fromString(name.substring(0, name.length() - ".json".length()));
                try {
                    find(id).ifPresentOrElse(out::add,
                            () -> LOG.warnf("package %s: sidecar without archive %s, skipped", id, archivePath(id)));
                } catch (CorruptPackageException e) {
                    LOG.warnf("package %s skipped: %s", id, e.getMessage());
                }
            }
        }
        return out;
    }

    /**
     * The package with this id, when both its sidecar and its archive exist.
     *
     * @throws CorruptPackageException when the sidecar cannot be parsed or names another package
     */
    public Optional<StoredPackage> find(UUID id) throws IOException {
        Path sidecar = sidecarPath(id);
        Path archive = archivePath(id);
        if (!Files.isRegularFile(sidecar, LinkOption.NOFOLLOW_LINKS)
                || !Files.isRegularFile(archive, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        PackageInfo.Builder info = PackageInfo.newBuilder();
        try {
            JSON.merge(Files.readString(sidecar, StandardCharsets.UTF_8), info);
        } catch (NoSuchFileException e) {
            return Optional.empty(); // deleted meanwhile
        } catch (InvalidProtocolBufferException e) {
            throw new CorruptPackageException("package " + id + ": unreadable metadata " + sidecar.getFileName()
                    + ": " + e.getMessage(), e);
        }
        if (!id.toString().equalsIgnoreCase(info.getPackageId())) {
            throw new CorruptPackageException("package " + id + ": metadata " + sidecar.getFileName()
                    + " describes package '" + info.getPackageId() + "'", null);
        }
        return Optional.of(new StoredPackage(id, info.setPackageId(id.toString()).build(), archive));
    }

    /**
     * Deletes a package's archive, then its sidecar.
     *
     * @return the archive bytes freed, or -1 when there was no such package
     */
    public long delete(UUID id) throws IOException {
        Path archive = archivePath(id);
        Path sidecar = sidecarPath(id);
        if (!Files.isRegularFile(sidecar, LinkOption.NOFOLLOW_LINKS)
                && !Files.isRegularFile(archive, LinkOption.NOFOLLOW_LINKS)) {
            return -1;
        }
        long freed = 0;
        if (Files.isRegularFile(archive, LinkOption.NOFOLLOW_LINKS)) {
            freed = Files.size(archive);
            Files.deleteIfExists(archive);
        }
        Files.deleteIfExists(sidecar);
        return freed;
    }

    /** A temporary file in the storage directory for an archive being built. */
    public Path newWorkFile(UUID id) throws IOException {
        PrivateDirs.create(dir);
        return dir.resolve(".building-" + id + ".zip");
    }

    /**
     * Deletes the archives of builds that never finished (a process stopped mid-build leaves its
     * work file, and the structure sections pg_dump was writing beside it); returns how many files. Run at start, before any build.
     */
    public int deleteUnfinished() throws IOException {
        int n = 0;
        if (!Files.isDirectory(dir)) {
            return n;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, ".building-*.zip*")) {
            for (Path work : entries) {
                Files.deleteIfExists(work);
                n++;
            }
        }
        return n;
    }

    /**
     * Stores a built archive under its id: the archive moves into place first, then the sidecar is
     * written (atomically), so that a listing never shows a package without its archive.
     */
    public void save(UUID id, Path built, PackageInfo info) throws IOException {
        Files.move(built, archivePath(id), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Path tmp = dir.resolve(".sidecar-" + id + ".json");
        Files.writeString(tmp, com.google.protobuf.util.JsonFormat.printer().print(info), StandardCharsets.UTF_8);
        Files.move(tmp, sidecarPath(id), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Hex SHA-256 of a file, read in a streaming way. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest = newSha256();
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
