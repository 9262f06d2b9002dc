package io.lizsync.grpckit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateDirsTest {

    @TempDir
    Path root;

    @Test
    void everyDirectoryItMakesIsTheOwnersOnlyAndExistingOnesAreLeftAlone() throws Exception {
        Path shared = Files.createDirectory(root.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path leaf = PrivateDirs.create(shared.resolve("lizsync").resolve("sidecar"));
        assertEquals("rwx------", perms(shared.resolve("lizsync")));
        assertEquals("rwx------", perms(leaf));
        assertEquals("rwxr-xr-x", perms(shared), "an existing directory keeps its permissions");
        assertEquals(leaf, PrivateDirs.create(leaf), "again: nothing to do");
    }

    private static String perms(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
