package io.lizsync.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.lizsync.proto.packaging.v1.PackageChunk;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streaming a package to OUT.zip.part, resuming it, checking it and renaming it. */
class PackageDownloadTest {

    @TempDir
    Path dir;

    private final byte[] archive = new byte[10_000];
    private final ByteArrayOutputStream progress = new ByteArrayOutputStream();
    private final List<Long> offsetsAsked = new ArrayList<>();

    PackageDownloadTest() {
        new Random(42).nextBytes(archive);
    }

    private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** A well-behaved server: 700-byte chunks from the offset, size and hash on the first. */
    private PackageDownload.ChunkSource server(byte[] bytes, String sha, int stopAfterChunks) {
        return offset -> {
            offsetsAsked.add(offset);
            List<PackageChunk> chunks = new ArrayList<>();
            for (long at = offset; at < bytes.length && chunks.size() < stopAfterChunks; at += 700) {
                int len = (int) Math.min(700, bytes.length - at);
                var c = PackageChunk.newBuilder().setOffset(at).setData(ByteString.copyFrom(bytes, (int) at, len))
                        .setLast(at + len == bytes.length);
                if (chunks.isEmpty()) {
                    c.setTotalSize(bytes.length).setSha256(sha);
                }
                chunks.add(c.build());
            }
            return chunks.iterator();
        };
    }

    private long download(Path target, String sha, PackageDownload.ChunkSource source) throws IOException {
        return PackageDownload.run(target, archive.length, sha, source,
                new PrintStream(progress, true, StandardCharsets.UTF_8));
    }

    @Test
    void downloadsChecksAndRenames() throws Exception {
        Path target = PackageDownload.checkTarget(dir.resolve("p.zip").toString());
        String sha = sha256(archive);
        assertEquals(archive.length, download(target, sha, server(archive, sha, Integer.MAX_VALUE)));
        assertArrayEquals(archive, Files.readAllBytes(target));
        assertFalse(Files.exists(PackageDownload.partOf(target)));
        assertEquals(List.of(0L), offsetsAsked);
        String lines = progress.toString(StandardCharsets.UTF_8);
        assertTrue(lines.contains("download:  10%") && lines.contains("download: 100%"), lines);
        assertEquals(10, lines.lines().count(), "one line per 10%: " + lines);
    }

    @Test
    void anInterruptedDownloadKeepsItsPartAndResumesFromItsSize() throws Exception {
        Path target = dir.resolve("p.zip");
        String sha = sha256(archive);
        var e = assertThrows(PackageDownload.CliFailure.class, () -> download(target, sha, server(archive, sha, 3)));
        assertTrue(e.getMessage().contains("stopped at 2100 of 10000 bytes"), e.getMessage());
        assertEquals(2100, Files.size(PackageDownload.partOf(target)));

        assertEquals(archive.length - 2100, download(target, sha, server(archive, sha, Integer.MAX_VALUE)));
        assertEquals(List.of(0L, 2100L), offsetsAsked);
        assertArrayEquals(archive, Files.readAllBytes(target));
        assertTrue(progress.toString(StandardCharsets.UTF_8).contains("resuming"));
    }

    @Test
    void aCompletePartIsOnlyCheckedAndRenamed() throws Exception {
        Path target = dir.resolve("p.zip");
        Files.write(PackageDownload.partOf(target), archive);
        assertEquals(0, download(target, sha256(archive), offset -> {
            throw new AssertionError("nothing left to download");
        }));
        assertArrayEquals(archive, Files.readAllBytes(target));
    }

    @Test
    void aWrongChecksumRemovesThePart() throws Exception {
        Path target = dir.resolve("p.zip");
        byte[] other = archive.clone();
        other[0] ^= 1;
        Files.write(PackageDownload.partOf(target), Arrays.copyOf(other, 5000)); // a part of another archive
        String sha = sha256(archive);
        var e = assertThrows(PackageDownload.CliFailure.class,
                () -> download(target, sha, server(archive, sha, Integer.MAX_VALUE)));
        assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
        assertFalse(Files.exists(PackageDownload.partOf(target)));
        assertFalse(Files.exists(target));
    }

    @Test
    void aPartLargerThanThePackageIsStartedAgain() throws Exception {
        Path target = dir.resolve("p.zip");
        Files.write(PackageDownload.partOf(target), new byte[archive.length + 1]);
        String sha = sha256(archive);
        download(target, sha, server(archive, sha, Integer.MAX_VALUE));
        assertEquals(List.of(0L), offsetsAsked);
        assertArrayEquals(archive, Files.readAllBytes(target));
    }

    @Test
    void aServerThatDisagreesWithTheMetadataIsRefused() throws Exception {
        Path target = dir.resolve("p.zip");
        String sha = sha256(archive);
        var e = assertThrows(PackageDownload.CliFailure.class,
                () -> download(target, sha, server(archive, "00" + sha.substring(2), Integer.MAX_VALUE)));
        assertTrue(e.getMessage().contains("changed on the server"), e.getMessage());
        assertFalse(Files.exists(PackageDownload.partOf(target)), "its bytes cannot be trusted");
        PackageDownload.ChunkSource skipping = offset -> {
            Iterator<PackageChunk> real = server(archive, sha, Integer.MAX_VALUE).open(offset);
            real.next();
            var first = real.next().toBuilder().setTotalSize(archive.length).setSha256(sha).build();
            return List.of(first).iterator();
        };
        var gap = assertThrows(PackageDownload.CliFailure.class, () -> download(target, sha, skipping));
        assertTrue(gap.getMessage().contains("offset 700, expected 0"), gap.getMessage());
    }
}
