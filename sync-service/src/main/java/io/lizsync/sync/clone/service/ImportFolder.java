package io.lizsync.sync.clone.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The one folder a deploy by {@code zip_path} may read from (a package brought on a USB stick is
 * copied there first): a path is taken relative to it or as an absolute path, and must lead, once
 * every symbolic link is followed, to a regular file inside it. Anything else the sidecar's user
 * can read (its credential, another database's files) is never opened as a package.
 */
final class ImportFolder {

    private final Path root;

    /** @param root the folder ({@code lizsync.sync.deploy.import-dir}); made (0700) when missing */
    ImportFolder(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    /** The file {@code zipPath} names, inside the folder; IllegalArgumentException saying why not. */
    Path resolve(String zipPath) throws IOException {
        Path given;
        try {
            given = root.resolve(zipPath);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("zip_path is not a valid path");
        }
        io.lizsync.grpckit.PrivateDirs.create(root);
        Path real;
        try {
            real = given.toRealPath();
        } catch (IOException missing) {
            throw new IllegalArgumentException("zip_path " + given.normalize() + " is not a file on the clone"
                    + hint());
        }
        if (!real.startsWith(root.toRealPath())) {
            throw new IllegalArgumentException("zip_path " + given.normalize() + " is outside the sidecar's import"
                    + " folder" + hint());
        }
        if (!Files.isRegularFile(real)) {
            throw new IllegalArgumentException("zip_path " + given.normalize() + " is not a regular file" + hint());
        }
        return real;
    }

    private String hint() {
        return ": copy the package into " + root + " (lizsync.sync.deploy.import-dir, LIZSYNC_SYNC_DEPLOY_IMPORT_DIR)"
                + " and give its name";
    }
}
