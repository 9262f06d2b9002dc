package io.lizsync.grpckit;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The services' own directories (sidecar state with the exchange credential, packages, media):
 * every directory this creates is readable by the service's user only (0700), whatever the umask.
 * Directories that already exist keep their permissions (an administrator's choice).
 */
public final class PrivateDirs {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private PrivateDirs() {
    }

    /** {@code dir} and any missing parent, each made 0700; returns {@code dir}. */
    public static Path create(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            return dir;
        }
        Path parent = absolute.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            create(parent);
        }
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        try {
            if (posix) {
                FileAttribute<Set<PosixFilePermission>> attr = PosixFilePermissions.asFileAttribute(OWNER_ONLY);
                Files.createDirectory(absolute, attr);
                Files.setPosixFilePermissions(absolute, OWNER_ONLY); // the umask may have narrowed it
            } else {
                Files.createDirectory(absolute);
            }
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            if (!Files.isDirectory(absolute)) {
                throw raced;
            }
        }
        return dir;
    }

    /**
     * Writes a secret (a credential, a ticket) into {@code dir}/{@code name}, readable by the
     * service's user only (0600): written whole under a temporary name, then renamed, so that a
     * reader never sees half of it. {@code dir} is made with {@link #create} when missing.
     */
    public static Path writeSecret(Path dir, String name, String secret) throws IOException {
        create(dir);
        Path tmp = Files.createTempFile(dir, "." + name, ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(tmp, secret, java.nio.charset.StandardCharsets.UTF_8);
            return Files.move(tmp, dir.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
