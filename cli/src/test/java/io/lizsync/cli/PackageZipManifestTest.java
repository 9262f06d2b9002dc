package io.lizsync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The package id of a package ZIP, read from its manifest.json. */
class PackageZipManifestTest {

    private static final String ID = "0b9f5a4e-3c1d-4e2f-9a8b-7c6d5e4f3a2b";

    @TempDir
    Path dir;

    @Test
    void theTopLevelPackageIdIsReadWhereverItStands() throws IOException {
        // as sql's PackageManifest.toJson writes it: nested objects before and after the id
        String manifest = """
                {
                  "format_version" : 1,
                  "tools_version" : "3",
                  "central_server_id" : "c0ffee00-0000-4000-8000-000000000001",
                  "nested" : { "package_id" : "not-this-one", "list" : [ { "package_id" : 1 } ] },
                  "package_id" : "%s",
                  "tables" : [ { "schema" : "field", "table" : "trees" } ]
                }""".formatted(ID);
        assertEquals(ID, PackageZipManifest.packageId(zip("p.zip", manifest)));
    }

    @Test
    void aFileThatIsNotAPackageIsAFailureThatSaysWhy() throws IOException {
        assertFailure("is not a ZIP file", Files.writeString(dir.resolve("plain.zip"), "not a zip"));
        assertFailure("has no manifest.json", zipWithout());
        assertFailure("has no \"package_id\"", zip("a.zip", "{\"format_version\": 1}"));
        assertFailure("is not a package id", zip("b.zip", "{\"package_id\": \"x\"}"));
        assertFailure("is not a package id", zip("c.zip", "{\"package_id\": null}"));
        assertFailure("does not hold a JSON object", zip("d.zip", "[\"" + ID + "\"]"));
        var e = assertFailure("is not valid JSON (line 1", zip("e.zip", "{\"secret-looking\" 12}"));
        assertFalse(e.getMessage().contains("secret-looking"), "the file's text is not echoed: " + e.getMessage());
    }

    @Test
    void aManifestPastTheLimitIsRefusedWhileReading() {
        // a run of blanks longer than the limit before the first field
        var huge = new java.io.InputStream() {
            long served;

            @Override
            public int read() {
                served++;
                return served == 1 ? '{' : ' ';
            }
        };
        var bounded = assertThrows(CliFailure.class, () -> PackageZipManifest.packageId(
                new PackageZipManifest.Bounded(huge, 1024), "huge.zip"));
        assertTrue(bounded.getMessage().contains("larger than"), bounded.getMessage());
    }

    @Test
    void aStreamIsReadOnlyUpToThePackageId() throws IOException {
        String json = "{\"package_id\": \"" + ID + "\", \"rest\": ";
        assertEquals(ID, PackageZipManifest.packageId(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
                "stream"), "stops at the id, before the truncated rest");
    }

    private CliFailure assertFailure(String expected, Path zip) {
        var e = assertThrows(CliFailure.class, () -> PackageZipManifest.packageId(zip));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        return e;
    }

    private Path zip(String name, String manifest) throws IOException {
        Path zip = dir.resolve(name);
        try (OutputStream file = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(file)) {
            z.putNextEntry(new ZipEntry("structure/pre-data.sql"));
            z.write("CREATE SCHEMA field;".getBytes(StandardCharsets.UTF_8));
            z.putNextEntry(new ZipEntry(PackageZipManifest.MANIFEST));
            z.write(manifest.getBytes(StandardCharsets.UTF_8));
        }
        return zip;
    }

    private Path zipWithout() throws IOException {
        Path zip = dir.resolve("none.zip");
        try (OutputStream file = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(file)) {
            z.putNextEntry(new ZipEntry("structure/pre-data.sql"));
        }
        return zip;
    }
}
