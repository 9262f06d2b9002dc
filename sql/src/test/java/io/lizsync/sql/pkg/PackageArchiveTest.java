package io.lizsync.sql.pkg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lizsync.sql.pkg.PackageArchive.Limits;
import io.lizsync.sql.pkg.PackageManifest.Entry;
import io.lizsync.sql.pkg.PackageManifest.Table;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The package ZIP format: round trip, and every refusal the reader and writer promise. */
class PackageArchiveTest {

    private static final String DATA = PackageManifest.dataEntry(0);
    private static final Duration QUICK = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    // ---------------------------------------------------------------- round trip

    @Test
    void roundTripOfThreeEntries() throws Exception {
        byte[] pre = "CREATE SCHEMA \"demo\";\nCREATE TABLE \"demo\".\"t\" (id int, name text, v text);\n"
                .getBytes(StandardCharsets.UTF_8);
        byte[] copy = copyLikeText(5 * 1024 * 1024, 42);
        byte[] post = "ALTER TABLE \"demo\".\"t\" ADD PRIMARY KEY (id);\n".getBytes(StandardCharsets.UTF_8);
        Path zip = dir.resolve("package.zip");

        PackageManifest written;
        try (PackageArchiveWriter writer = new PackageArchiveWriter(zip, 6)) {
            try (OutputStream out = writer.entry(PackageManifest.PRE_DATA)) {
                out.write(pre);
            }
            try (OutputStream out = writer.entry(DATA)) {
                // in uneven pieces, and one single byte, to exercise both write methods
                int at = 0;
                int piece = 1;
                while (at < copy.length) {
                    int n = Math.min(piece, copy.length - at);
                    if (n == 1) {
                        out.write(copy[at]);
                    } else {
                        out.write(copy, at, n);
                    }
                    at += n;
                    piece = piece * 3 + 7;
                }
            }
            try (OutputStream out = writer.entry(PackageManifest.POST_DATA)) {
                out.write(post);
            }
            written = writer.finish(baseManifest());
        }

        List<Entry> expectedEntries = List.of(
                new Entry(PackageManifest.PRE_DATA, pre.length, sha256(pre)),
                new Entry(DATA, copy.length, sha256(copy)),
                new Entry(PackageManifest.POST_DATA, post.length, sha256(post)));
        assertEquals(baseManifest().withEntries(expectedEntries), written);

        try (PackageArchive archive = PackageArchive.open(zip, Limits.defaults())) {
            PackageManifest read = archive.manifest();
            assertEquals(written, read);
            assertEquals(1, read.formatVersion());
            assertEquals("2", read.toolsVersion());
            assertEquals(42L, read.tickId());
            assertEquals("tables", read.mode());
            assertEquals(List.of("demo"), read.schemas());
            assertEquals(List.of("postgis"), read.extensions());
            assertEquals(List.of(new Table("demo", "t", "fp1", List.of("id", "name", "v"), 1234, DATA)),
                    read.tables());
            assertEquals("first package", read.description());
            assertEquals("admin", read.requestedBy());
            assertFalse(read.hasAdditionalSql());

            assertArrayEquals(pre, readAll(archive, PackageManifest.PRE_DATA));
            assertArrayEquals(copy, readAll(archive, DATA));
            assertArrayEquals(post, readAll(archive, PackageManifest.POST_DATA));
            archive.verifyAll();

            // the manifest itself can be read too
            assertEquals(read, PackageManifest.fromJson(readAll(archive, PackageManifest.MANIFEST)));
            IOException unknown = assertThrows(IOException.class, () -> archive.open("data/00002.copy"));
            assertEquals("package has no entry \"data/00002.copy\"", unknown.getMessage());
        }

        // manifest.json is the last entry
        try (java.util.zip.ZipFile raw = new java.util.zip.ZipFile(zip.toFile())) {
            List<String> names = raw.stream().map(ZipEntry::getName).toList();
            assertEquals(List.of(PackageManifest.PRE_DATA, DATA, PackageManifest.POST_DATA, PackageManifest.MANIFEST),
                    names);
        }
    }

    @Test
    void levelZeroAndEmptyEntriesWork() throws Exception {
        Path zip = dir.resolve("stored.zip");
        try (PackageArchiveWriter writer = new PackageArchiveWriter(zip, 0)) {
            writer.entry(DATA).close();
            try (OutputStream out = writer.entry(PackageManifest.ADDITIONAL_SQL)) {
                out.write("SELECT 1;\n".getBytes(StandardCharsets.UTF_8));
            }
            writer.finish(new PackageManifest(PackageManifest.FORMAT_VERSION, "2", "c", "p", Instant.EPOCH.toString(),
                    0, "h", "schemas", List.of("demo"), List.of(new Table("demo", "t", null, List.of("id"), 0, DATA)),
                    null, true, null, null, null));
        }
        try (PackageArchive archive = PackageArchive.open(zip, Limits.defaults())) {
            archive.verifyAll();
            assertEquals(0, readAll(archive, DATA).length);
            assertTrue(archive.manifest().hasAdditionalSql());
            assertNull(archive.manifest().description());
            assertEquals(List.of(), archive.manifest().extensions());
            assertNull(archive.manifest().tables().get(0).fingerprint());
        }
    }

    @Test
    void dataEntryNames() {
        assertEquals("data/00001.copy", PackageManifest.dataEntry(0));
        assertEquals("data/00042.copy", PackageManifest.dataEntry(41));
        assertEquals("data/123456.copy", PackageManifest.dataEntry(123455));
        assertThrows(IllegalArgumentException.class, () -> PackageManifest.dataEntry(-1));
    }

    // ---------------------------------------------------------------- writer rules

    @Test
    void writerRefusesUnsafeNamesAndMisuse() throws Exception {
        Path zip = dir.resolve("w.zip");
        try (PackageArchiveWriter writer = new PackageArchiveWriter(zip, 6)) {
            assertEquals("unsafe entry name \"../evil.sql\": \"..\" path segment",
                    assertThrows(IllegalArgumentException.class, () -> writer.entry("../evil.sql")).getMessage());
            assertEquals("unsafe entry name \"/etc/passwd\": absolute path",
                    assertThrows(IllegalArgumentException.class, () -> writer.entry("/etc/passwd")).getMessage());
            assertEquals("unsafe entry name \"C:\\\\x\": absolute path (drive letter)",
                    assertThrows(IllegalArgumentException.class, () -> writer.entry("C:\\x")).getMessage());
            assertEquals("unsafe entry name \"a\\\\b\": backslash in the name",
                    assertThrows(IllegalArgumentException.class, () -> writer.entry("a\\b")).getMessage());
            assertEquals("unsafe entry name \"a\\u0000b\": control character U+0000 in the name",
                    assertThrows(IllegalArgumentException.class, () -> writer.entry("a\0b")).getMessage());
            assertEquals("unsafe entry name \"data/\": directory entries are not allowed",
                    assertThrows(IllegalArgumentException.class, () -> writer.entry("data/")).getMessage());
            assertEquals("unsafe entry name \"a//b\": empty path segment",
                    assertThrows(IllegalArgumentException.class, () -> writer.entry("a//b")).getMessage());
            assertEquals("unsafe entry name \"./a\": \".\" path segment",
                    assertThrows(IllegalArgumentException.class, () -> writer.entry("./a")).getMessage());
            assertEquals("unsafe entry name \"\": empty name",
                    assertThrows(IllegalArgumentException.class, () -> writer.entry("")).getMessage());
            assertTrue(assertThrows(IllegalArgumentException.class, () -> writer.entry("x".repeat(256)))
                    .getMessage().endsWith(": name longer than 255 characters"));
            assertEquals("entry \"manifest.json\" is reserved: finish() writes it",
                    assertThrows(IllegalArgumentException.class, () -> writer.entry("manifest.json")).getMessage());

            OutputStream first = writer.entry(PackageManifest.PRE_DATA);
            assertEquals("entry \"structure/pre-data.sql\" is still open; close it before opening entry "
                    + "\"data/00001.copy\"",
                    assertThrows(IllegalStateException.class, () -> writer.entry(DATA)).getMessage());
            assertThrows(IllegalStateException.class, () -> writer.finish(baseManifest()));
            first.write('x');
            first.close();
            first.close(); // idempotent
            assertThrows(IOException.class, () -> first.write('y'));
            assertEquals("duplicate entry \"structure/pre-data.sql\"",
                    assertThrows(IllegalArgumentException.class, () -> writer.entry(PackageManifest.PRE_DATA))
                            .getMessage());
            // the base manifest's table refers to data/00001.copy, which was not written
            assertEquals("table \"demo\".\"t\" refers to data entry \"data/00001.copy\", which the manifest does not list",
                    assertThrows(IllegalArgumentException.class, () -> writer.finish(baseManifest())).getMessage());
            IllegalArgumentException badTime = assertThrows(IllegalArgumentException.class,
                    () -> writer.finish(withCreatedAt(baseManifest().withTables(List.of()), "yesterday")));
            assertEquals("the manifest would not be readable: manifest.json: field \"created_at\" must be an "
                    + "ISO-8601 instant (e.g. 2024-05-01T12:00:00Z), found \"yesterday\"", badTime.getMessage());
            assertTrue(Files.exists(zip));
        }
        assertFalse(Files.exists(zip), "closing without finish() deletes the partial file");
        assertThrows(IllegalArgumentException.class, () -> new PackageArchiveWriter(dir.resolve("x.zip"), 10));
    }

    @Test
    void writerIsDoneAfterFinish() throws Exception {
        Path zip = dir.resolve("done.zip");
        PackageArchiveWriter writer = new PackageArchiveWriter(zip, 6);
        try (OutputStream out = writer.entry(DATA)) {
            out.write("1\n".getBytes(StandardCharsets.UTF_8));
        }
        writer.finish(baseManifest());
        assertEquals("the package is already finished",
                assertThrows(IllegalStateException.class, () -> writer.entry("x.sql")).getMessage());
        writer.close();
        assertTrue(Files.exists(zip), "a finished package is kept when the writer is closed");
    }

    // ---------------------------------------------------------------- unsafe names in the ZIP

    @Test
    void refusesParentPathEntry() throws Exception {
        assertRefused("unsafe entry name \"../evil.sql\": \"..\" path segment", withExtra("../evil.sql"));
    }

    @Test
    void refusesAbsoluteEntry() throws Exception {
        assertRefused("unsafe entry name \"/etc/passwd\": absolute path", withExtra("/etc/passwd"));
    }

    @Test
    void refusesDriveLetterEntry() throws Exception {
        assertRefused("unsafe entry name \"C:\\\\x\": absolute path (drive letter)", withExtra("C:\\x"));
    }

    @Test
    void refusesControlCharacterAndDirectoryEntries() throws Exception {
        assertRefused("unsafe entry name \"evil\\n.sql\": control character U+000A in the name",
                withExtra("evil\n.sql"));
        assertRefused("unsafe entry name \"data/\": directory entries are not allowed", withExtra("data/"));
    }

    @Test
    void refusesDuplicateEntries() throws Exception {
        // ZipOutputStream refuses duplicates, so write two names of the same length and rename one in place.
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("aaaa.sql", bytes("one"));
        entries.put("bbbb.sql", bytes("two"));
        Path zip = handZip("dup.zip", entries, baseManifest().withTables(List.of()).withEntries(entriesOf(entries)));
        byte[] raw = Files.readAllBytes(zip);
        replaceAll(raw, bytes("bbbb.sql"), bytes("aaaa.sql"));
        Files.write(zip, raw);
        assertRefused("duplicate entry \"aaaa.sql\"", zip);
    }

    // ---------------------------------------------------------------- broken files and manifests

    @Test
    void refusesTruncatedFile() throws Exception {
        Path good = goodPackage("good.zip");
        byte[] all = Files.readAllBytes(good);
        Path half = dir.resolve("half.zip");
        Files.write(half, Arrays.copyOf(all, all.length / 2));
        PackageFormatException e = assertThrows(PackageFormatException.class,
                () -> PackageArchive.open(half, Limits.defaults()));
        assertTrue(e.getMessage().startsWith("not a readable package ZIP: "), e.getMessage());

        Path empty = dir.resolve("empty.zip");
        Files.write(empty, new byte[0]);
        e = assertThrows(PackageFormatException.class, () -> PackageArchive.open(empty, Limits.defaults()));
        assertTrue(e.getMessage().startsWith("not a readable package ZIP: "), e.getMessage());
    }

    @Test
    void detectsEntryChangedAfterPackaging() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(DATA, bytes("1\tabc\n"));
        List<Entry> listed = List.of(new Entry(DATA, 6, sha256(bytes("1\tabd\n"))));
        Path zip = handZip("changed.zip", entries, baseManifest().withEntries(listed));

        try (PackageArchive archive = PackageArchive.open(zip, Limits.defaults())) {
            IOException read = assertThrows(IOException.class, () -> readAll(archive, DATA));
            assertEquals("entry \"data/00001.copy\" was changed after packaging (checksum mismatch)", read.getMessage());
            PackageFormatException verify = assertThrows(PackageFormatException.class, archive::verifyAll);
            assertEquals("entry \"data/00001.copy\" was changed after packaging (checksum mismatch)",
                    verify.getMessage());
        }
    }

    @Test
    void detectsEntryOfAnotherSize() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(DATA, bytes("1\tabc\n"));
        List<Entry> listed = List.of(new Entry(DATA, 7, sha256(bytes("1\tabcd\n"))));
        Path zip = handZip("resized.zip", entries, baseManifest().withEntries(listed));
        assertRefused("entry \"data/00001.copy\" is 6 bytes in the ZIP directory but 7 bytes in the manifest", zip);
    }

    @Test
    void refusesEntryNotInManifest() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(DATA, bytes("1\n"));
        entries.put("extra.sql", bytes("DROP TABLE x;\n"));
        List<Entry> listed = entriesOf(Map.of(DATA, bytes("1\n")));
        assertRefused("entry \"extra.sql\" is not listed in the manifest",
                handZip("extra.zip", entries, baseManifest().withEntries(listed)));
    }

    @Test
    void refusesMissingManifestEntry() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(DATA, bytes("1\n"));
        List<Entry> listed = new ArrayList<>(entriesOf(entries));
        listed.add(new Entry(PackageManifest.POST_DATA, 3, sha256(bytes("x;\n"))));
        assertRefused("entry \"structure/post-data.sql\" is listed in the manifest but missing from the package",
                handZip("missing.zip", entries, baseManifest().withEntries(listed)));
    }

    @Test
    void refusesPackageWithoutManifest() throws Exception {
        Path zip = dir.resolve("nomanifest.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry(DATA));
            out.write(bytes("1\n"));
            out.closeEntry();
        }
        assertRefused("package has no manifest.json", zip);
    }

    @Test
    void refusesUnknownFormatVersion() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(DATA, bytes("1\n"));
        String json = baseManifest().withEntries(entriesOf(entries)).toJson()
                .replace("\"format_version\" : 1,", "\"format_version\" : 99,");
        assertTrue(json.contains("99"));
        assertRefused("unknown package format version 99; this sync-service reads version 1",
                handZip("v99.zip", entries, bytes(json)));
        // another version is refused before its (possibly different) fields are looked at
        assertRefused("unknown package format version 2; this sync-service reads version 1",
                handZip("v2.zip", Map.of(), bytes("{\"format_version\": 2, \"something\": \"else\"}")));
    }

    @Test
    void refusesManifestThatIsNotJson() throws Exception {
        PackageFormatException e = assertThrows(PackageFormatException.class, () -> PackageArchive.open(
                handZip("notjson.zip", Map.of(), bytes("format_version = 1\n")), Limits.defaults()));
        assertTrue(e.getMessage().startsWith("manifest.json is not valid JSON: "), e.getMessage());
        assertRefused("manifest.json must hold a JSON object, found an array",
                handZip("array.zip", Map.of(), bytes("[1, 2]")));
        assertRefused("manifest.json is empty", handZip("emptymanifest.zip", Map.of(), new byte[0]));
    }

    @Test
    void manifestJsonChecksFieldsAndIgnoresUnknownOnes() throws Exception {
        PackageManifest m = baseManifest().withEntries(List.of(new Entry(DATA, 2, sha256(bytes("1\n")))));
        String json = m.toJson();
        assertTrue(json.contains("\"tools_version\""), json);
        assertTrue(json.contains("\"has_additional_sql\""), json);
        assertTrue(json.contains("\"row_count\""), json);
        assertEquals(m, PackageManifest.fromJson(bytes(json)));

        String extra = json.replaceFirst("\\{", "{ \"future_field\": {\"a\": [1, 2]},");
        assertEquals(m, PackageManifest.fromJson(bytes(extra)));

        assertEquals("manifest.json: required field \"tick_id\" is missing",
                assertThrows(PackageFormatException.class,
                        () -> PackageManifest.fromJson(bytes(json.replace("\"tick_id\"", "\"tick\"")))).getMessage());
        assertEquals("manifest.json: field \"tick_id\" must be an integer, found a string",
                assertThrows(PackageFormatException.class,
                        () -> PackageManifest.fromJson(bytes(json.replace("\"tick_id\" : 42", "\"tick_id\" : \"42\""))))
                        .getMessage());
        assertEquals("manifest.json: field \"tables[0].row_count\" must be an integer, found a decimal number",
                assertThrows(PackageFormatException.class,
                        () -> PackageManifest.fromJson(bytes(json.replace("\"row_count\" : 1234", "\"row_count\" : 1.5"))))
                        .getMessage());
        assertEquals("manifest.json: required field \"package_id\" is null",
                assertThrows(PackageFormatException.class,
                        () -> PackageManifest.fromJson(bytes(json.replace("\"package_id\" : \"" + m.packageId() + "\"",
                                "\"package_id\" : null")))).getMessage());
        assertEquals("manifest.json: field \"mode\" must be \"schemas\" or \"tables\", found \"all\"",
                assertThrows(PackageFormatException.class,
                        () -> PackageManifest.fromJson(bytes(json.replace("\"mode\" : \"tables\"", "\"mode\" : \"all\""))))
                        .getMessage());
        assertEquals("manifest.json: field \"entries[0].sha256\" must be 64 lower-case hex digits",
                assertThrows(PackageFormatException.class,
                        () -> PackageManifest.fromJson(bytes(json.replace(m.entries().get(0).sha256(), "ABC")))).getMessage());
        PackageFormatException duplicate = assertThrows(PackageFormatException.class,
                () -> PackageManifest.fromJson(bytes(json.replaceFirst("\\{", "{ \"mode\": \"schemas\","))));
        assertTrue(duplicate.getMessage().startsWith("manifest.json is not valid JSON: "), duplicate.getMessage());
    }

    @Test
    void refusesManifestReferringToUnlistedDataEntry() throws Exception {
        assertRefused("table \"demo\".\"t\" refers to data entry \"data/00001.copy\", which the manifest does not list",
                handZip("nodata.zip", Map.of(), baseManifest()));
    }

    // ---------------------------------------------------------------- limits

    @Test
    void refusesZipBombByRatio() throws Exception {
        long size = 200L * 1024 * 1024;
        Path zip = zerosBomb("bomb.zip", size);
        assertTrue(Files.size(zip) < 1024 * 1024, "the bomb is small on disk");
        // the manifest tells the truth about the size: only the ratio stops it
        PackageFormatException e = assertTimeoutPreemptively(QUICK,
                () -> assertThrows(PackageFormatException.class, () -> PackageArchive.open(zip, Limits.defaults())));
        assertTrue(e.getMessage().startsWith("entry \"data/00001.copy\" expands too much: 209715200 bytes from "),
                e.getMessage());
        assertTrue(e.getMessage().endsWith(", limit 200:1); refusing a likely zip bomb"), e.getMessage());

        // and the size limit stops it too when it is lower
        PackageFormatException bySize = assertThrows(PackageFormatException.class,
                () -> PackageArchive.open(zip, new Limits(1L << 30, 100L << 20, 10, 100_000)));
        assertEquals("entry \"data/00001.copy\" is too large: 209715200 bytes (limit 104857600)", bySize.getMessage());
        PackageFormatException byTotal = assertThrows(PackageFormatException.class,
                () -> PackageArchive.open(zip, new Limits(100L << 20, 1L << 30, 10, 100_000)));
        assertEquals("package is too large: more than 104857600 bytes uncompressed (limit reached at entry "
                + "\"data/00001.copy\")", byTotal.getMessage());
    }

    @Test
    void stopsZipBombWhoseHeadersAndManifestLie() throws Exception {
        long size = 200L * 1024 * 1024;
        Path zip = zerosBomb("liar.zip", size);
        // The central directory now claims 100 bytes, and so does the manifest: the structure checks pass.
        patchCentralSize(zip, DATA, 100);
        try (PackageArchive archive = PackageArchive.open(zip, Limits.defaults())) {
            assertEquals(100, archive.manifest().entries().get(0).size());
            String expected = "entry \"data/00001.copy\" holds more than the 100 bytes listed in the manifest; "
                    + "reading stopped";
            IOException read = assertTimeoutPreemptively(QUICK, () -> assertThrows(IOException.class, () -> {
                try (InputStream in = archive.open(DATA)) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
            }));
            assertEquals(expected, read.getMessage());
            PackageFormatException verify = assertTimeoutPreemptively(QUICK,
                    () -> assertThrows(PackageFormatException.class, archive::verifyAll));
            assertEquals(expected, verify.getMessage());
        }
    }

    @Test
    void refusesTooManyEntries() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < 10_000; i++) {
            entries.put(PackageManifest.dataEntry(i), new byte[0]);
        }
        // 10 000 entries plus manifest.json
        Path zip = handZip("many.zip", entries, baseManifest().withEntries(entriesOf(entries)));
        assertRefused("package has too many entries: 10001 (limit 10000)", zip);

        Map<String, byte[]> three = new LinkedHashMap<>();
        three.put(DATA, bytes("1\n"));
        three.put(PackageManifest.PRE_DATA, bytes("x;\n"));
        Path small = handZip("three.zip", three, baseManifest().withEntries(entriesOf(three)));
        Limits limits = new Limits(1L << 30, 1L << 30, 3, 200);
        try (PackageArchive archive = PackageArchive.open(small, limits)) {
            archive.verifyAll();
        }
        PackageFormatException e = assertThrows(PackageFormatException.class,
                () -> PackageArchive.open(small, new Limits(1L << 30, 1L << 30, 2, 200)));
        assertEquals("package has too many entries: 3 (limit 2)", e.getMessage());
    }

    @Test
    void acceptsRepetitiveCopyText() throws Exception {
        Path zip = dir.resolve("repetitive.zip");
        long target = 20L * 1024 * 1024;
        long written = 0;
        try (PackageArchiveWriter writer = new PackageArchiveWriter(zip, 9)) {
            try (OutputStream out = new BufferedOutputStream(writer.entry(DATA), 64 * 1024)) {
                for (long i = 1; written < target; i++) {
                    byte[] row = bytes(i + "\tabc\t\\N\n");
                    out.write(row);
                    written += row.length;
                }
            }
            try (OutputStream out = new BufferedOutputStream(writer.entry(PackageManifest.dataEntry(1)), 64 * 1024)) {
                long second = 0;
                for (long i = 1; second < target; i++) {
                    byte[] row = bytes(i + "\tsome constant text value\t\\N\t\\N\t\\N\tt\tf\t2024-01-01 00:00:00+00\n");
                    out.write(row);
                    second += row.length;
                }
            }
            writer.finish(baseManifest().withTables(List.of(
                    new Table("demo", "t", "fp1", List.of("id", "name", "v"), 1, DATA),
                    new Table("demo", "u", "fp2", List.of("id", "a", "b", "c", "d", "e", "f", "g"), 1,
                            PackageManifest.dataEntry(1)))));
        }
        try (PackageArchive archive = PackageArchive.open(zip, Limits.defaults())) {
            assertEquals(written, archive.manifest().entries().get(0).size());
            archive.verifyAll();
        }
    }

    // ---------------------------------------------------------------- helpers

    private static PackageManifest baseManifest() {
        return new PackageManifest(PackageManifest.FORMAT_VERSION, "2", "6f1c0d55-2d5b-4c0e-9a51-6a7b3a0e0c11",
                "0b5e1c1e-9d3c-4f7e-8a55-2f7f7a2b9e01", "2024-05-01T12:00:00Z", 42,
                "a3f0b6a2-1c3d-4e5f-8a9b-0c1d2e3f4a5b", "tables", List.of("demo"),
                List.of(new Table("demo", "t", "fp1", List.of("id", "name", "v"), 1234, DATA)),
                List.of("postgis"), false, "first package", "admin", List.of());
    }

    private static PackageManifest withCreatedAt(PackageManifest m, String createdAt) {
        return new PackageManifest(m.formatVersion(), m.toolsVersion(), m.centralServerId(), m.packageId(), createdAt,
                m.tickId(), m.historySyncId(), m.mode(), m.schemas(), m.tables(), m.extensions(),
                m.hasAdditionalSql(), m.description(), m.requestedBy(), m.entries());
    }

    private Path goodPackage(String name) throws IOException {
        Path zip = dir.resolve(name);
        try (PackageArchiveWriter writer = new PackageArchiveWriter(zip, 6)) {
            try (OutputStream out = writer.entry(DATA)) {
                out.write(copyLikeText(256 * 1024, 7));
            }
            writer.finish(baseManifest());
        }
        return zip;
    }

    /** A package whose entries are a good data entry plus one entry named {@code name}, all listed. */
    private Path withExtra(String name) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(DATA, bytes("1\n"));
        entries.put(name, bytes("SELECT 1;\n"));
        return handZip("extra-" + Math.abs(name.hashCode()) + ".zip", entries,
                baseManifest().withEntries(entriesOf(entries)));
    }

    private Path handZip(String name, Map<String, byte[]> entries, PackageManifest manifest) throws IOException {
        return handZip(name, entries, bytes(manifest.toJson()));
    }

    /** A ZIP written with ZipOutputStream: the entries in order, then manifest.json. */
    private Path handZip(String name, Map<String, byte[]> entries, byte[] manifestJson) throws IOException {
        Path zip = dir.resolve(name);
        try (ZipOutputStream out = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(zip)))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
            out.putNextEntry(new ZipEntry(PackageManifest.MANIFEST));
            out.write(manifestJson);
            out.closeEntry();
        }
        return zip;
    }

    /** A package of one data entry of {@code size} zero bytes, written streaming; the manifest says 100 bytes. */
    private Path zerosBomb(String name, long size) throws IOException {
        Path zip = dir.resolve(name);
        byte[] zeros = new byte[1024 * 1024];
        try (ZipOutputStream out = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(zip)))) {
            out.setLevel(9);
            out.putNextEntry(new ZipEntry(DATA));
            for (long done = 0; done < size; done += zeros.length) {
                out.write(zeros, 0, (int) Math.min(zeros.length, size - done));
            }
            out.closeEntry();
            long listedSize = name.startsWith("liar") ? 100 : size;
            PackageManifest manifest = baseManifest()
                    .withEntries(List.of(new Entry(DATA, listedSize, sha256(new byte[100]))));
            out.putNextEntry(new ZipEntry(PackageManifest.MANIFEST));
            out.write(bytes(manifest.toJson()));
            out.closeEntry();
        }
        return zip;
    }

    /** Rewrites the uncompressed size of {@code entry} in the central directory. */
    private static void patchCentralSize(Path zip, String entry, int newSize) throws IOException {
        byte[] raw = Files.readAllBytes(zip);
        ByteBuffer buf = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        byte[] name = bytes(entry);
        boolean patched = false;
        for (int i = 0; i + 46 <= raw.length; i++) {
            if (buf.getInt(i) != 0x02014b50) {
                continue;
            }
            int nameLength = buf.getShort(i + 28) & 0xffff;
            if (nameLength == name.length && Arrays.equals(raw, i + 46, i + 46 + nameLength, name, 0, name.length)) {
                buf.putInt(i + 24, newSize);
                patched = true;
            }
        }
        assertTrue(patched, "central directory header of " + entry + " found");
        Files.write(zip, raw);
    }

    private static void replaceAll(byte[] haystack, byte[] from, byte[] to) {
        for (int i = 0; i + from.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + from.length, from, 0, from.length)) {
                System.arraycopy(to, 0, haystack, i, to.length);
            }
        }
    }

    private static void assertRefused(String message, Path zip) {
        PackageFormatException e = assertThrows(PackageFormatException.class,
                () -> PackageArchive.open(zip, Limits.defaults()).close());
        assertEquals(message, e.getMessage());
    }

    private static List<Entry> entriesOf(Map<String, byte[]> entries) {
        List<Entry> out = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            out.add(new Entry(e.getKey(), e.getValue().length, sha256(e.getValue())));
        }
        return out;
    }

    private static byte[] readAll(PackageArchive archive, String name) throws IOException {
        try (InputStream in = archive.open(name)) {
            return in.readAllBytes();
        }
    }

    /** COPY-like rows with pseudo-random values: an id, a word, a number or NULL, a hex blob. */
    private static byte[] copyLikeText(int size, long seed) {
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder(size + 200);
        String letters = "abcdefghijklmnopqrstuvwxyzéèà";
        for (long id = 1; text.length() < size; id++) {
            text.append(id).append('\t');
            for (int i = 3 + random.nextInt(10); i > 0; i--) {
                text.append(letters.charAt(random.nextInt(letters.length())));
            }
            text.append('\t');
            if (random.nextInt(5) == 0) {
                text.append("\\N");
            } else {
                text.append(random.nextInt(1_000_000) / 100.0);
            }
            text.append('\t');
            byte[] blob = new byte[8 + random.nextInt(24)];
            random.nextBytes(blob);
            text.append(HexFormat.of().formatHex(blob)).append('\n');
        }
        return bytes(text.substring(0, size));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
