package io.lizsync.sync.clone.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportFolderTest {

    @TempDir
    Path dir;

    @Test
    void onlyRegularFilesInsideTheFolderAreTakenWhateverTheLinksSay() throws Exception {
        Path root = dir.resolve("import");
        Path outside = Files.writeString(dir.resolve("credential"), "secret");
        ImportFolder folder = new ImportFolder(root);
        refused(folder, "package.zip", "is not a file");
        assertTrue(Files.isDirectory(root), "made when missing");
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(root)));
        Path pkg = Files.writeString(root.resolve("package.zip"), "zip");
        assertEquals(pkg.toRealPath(), folder.resolve("package.zip"));
        assertEquals(pkg.toRealPath(), folder.resolve(pkg.toString()), "absolute, inside");
        refused(folder, outside.toString(), "outside the sidecar's import folder");
        refused(folder, "../credential", "outside the sidecar's import folder");
        Files.createSymbolicLink(root.resolve("link.zip"), outside);
        refused(folder, "link.zip", "outside the sidecar's import folder");
        Files.createDirectory(root.resolve("sub"));
        refused(folder, "sub", "not a regular file");
        var invalid = assertThrows(IllegalArgumentException.class, () -> folder.resolve("bad\0name"));
        assertEquals("zip_path is not a valid path", invalid.getMessage());
    }

    private static void refused(ImportFolder folder, String path, String why) {
        var e = assertThrows(IllegalArgumentException.class, () -> folder.resolve(path));
        assertTrue(e.getMessage().contains(why), e.getMessage());
        assertTrue(e.getMessage().contains("LIZSYNC_SYNC_DEPLOY_IMPORT_DIR"), e.getMessage());
    }
}
