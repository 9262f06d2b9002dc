package io.lizsync.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Range resume: where to start, what an answer may be, and the checks before OUT.zip exists. */
class ArchiveDownloadTest {

    @TempDir
    Path dir;

    private final byte[] archive = new byte[10_000];
    private final String sha;
    private final List<Long> asked = new ArrayList<>();
    private final PrintStream progress = new PrintStream(new ByteArrayOutputStream());

    ArchiveDownloadTest() throws Exception {
        new Random(7).nextBytes(archive);
        sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(archive));
    }

    /** The gateway's archive endpoint as RFC 9110 has it: 206 with Content-Range for bytes=N-, 200 without. */
    private ArchiveDownload.Stream serve(long offset, byte[] bytes, String etagSha, int cutAfter) {
        asked.add(offset);
        int from = (int) offset;
        int to = Math.min(bytes.length, cutAfter < 0 ? bytes.length : from + cutAfter);
        InputStream body = new ByteArrayInputStream(Arrays.copyOfRange(bytes, from, to));
        return offset == 0 ? new ArchiveDownload.Stream(200, "\"" + etagSha + "\"", null, body)
                : new ArchiveDownload.Stream(206, "\"" + etagSha + "\"",
                        "bytes " + offset + "-" + (bytes.length - 1) + "/" + bytes.length, body);
    }

    @Test
    void resumeDecisions() {
        assertEquals(0, ArchiveDownload.resumeFrom(0, 100));
        assertEquals(40, ArchiveDownload.resumeFrom(40, 100));
        assertEquals(100, ArchiveDownload.resumeFrom(100, 100), "complete: only the check is left");
        assertEquals(0, ArchiveDownload.resumeFrom(101, 100), "larger than the package: start again");
        assertEquals(0, ArchiveDownload.startOf(200, null, 40, 100), "the server ignored the range");
        assertEquals(40, ArchiveDownload.startOf(206, "bytes 40-99/100", 40, 100));
        assertThrows(CliFailure.class, () -> ArchiveDownload.startOf(206, "bytes 41-99/100", 40, 100));
        assertThrows(CliFailure.class, () -> ArchiveDownload.startOf(206, "bytes 40-99/120", 40, 100));
        assertThrows(CliFailure.class, () -> ArchiveDownload.startOf(206, null, 40, 100));
        assertThrows(CliFailure.class, () -> ArchiveDownload.startOf(204, null, 0, 100));
        assertEquals("abc", ArchiveDownload.sha256OfEtag("\"ABC\""));
        assertEquals("abc", ArchiveDownload.sha256OfEtag("W/\"abc\""));
        assertEquals(null, ArchiveDownload.sha256OfEtag(null));
    }

    @Test
    void anInterruptedDownloadResumesWhereItStopped() throws IOException {
        Path target = dir.resolve("out.zip");
        CliFailure cut = assertThrows(CliFailure.class, () -> ArchiveDownload.run(target, archive.length, sha,
                offset -> serve(offset, archive, sha, 3_000), progress));
        assertTrue(cut.getMessage().contains("run the same command again to resume"), cut.getMessage());
        assertEquals(3_000, Files.size(ArchiveDownload.partOf(target)));
        assertFalse(Files.exists(target));

        long transferred = ArchiveDownload.run(target, archive.length, sha, offset -> serve(offset, archive, sha, -1),
                progress);
        assertEquals(7_000, transferred);
        assertEquals(List.of(0L, 3_000L), asked);
        assertArrayEquals(archive, Files.readAllBytes(target));
        assertFalse(Files.exists(ArchiveDownload.partOf(target)));
    }

    @Test
    void aServerThatIgnoresTheRangeReplacesThePart() throws IOException {
        Path target = dir.resolve("whole.zip");
        Files.write(ArchiveDownload.partOf(target), Arrays.copyOf(archive, 500));
        ArchiveDownload.run(target, archive.length, sha, offset -> new ArchiveDownload.Stream(200, "\"" + sha + "\"",
                null, new ByteArrayInputStream(archive)), progress);
        assertArrayEquals(archive, Files.readAllBytes(target));
    }

    @Test
    void aPackageThatChangedOnTheServerIsNotAppendedTo() throws IOException {
        Path target = dir.resolve("changed.zip");
        Files.write(ArchiveDownload.partOf(target), Arrays.copyOf(archive, 500));
        CliFailure e = assertThrows(CliFailure.class, () -> ArchiveDownload.run(target, archive.length, sha,
                offset -> serve(offset, archive, "0".repeat(64), -1), progress));
        assertTrue(e.getMessage().contains("changed on the server"), e.getMessage());
        assertFalse(Files.exists(ArchiveDownload.partOf(target)), "the stale part is removed");
    }

    @Test
    void aWrongChecksumRemovesThePartAndNothingIsRenamed() throws IOException {
        Path target = dir.resolve("bad.zip");
        byte[] corrupt = archive.clone();
        corrupt[9_999] ^= 1;
        CliFailure e = assertThrows(CliFailure.class, () -> ArchiveDownload.run(target, archive.length, sha,
                offset -> serve(offset, corrupt, sha, -1), progress));
        assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
        assertFalse(Files.exists(target));
        assertFalse(Files.exists(ArchiveDownload.partOf(target)));
    }

    @Test
    void aCompletePartIsCheckedWithoutARequest() throws IOException {
        Path target = dir.resolve("done.zip");
        Files.write(ArchiveDownload.partOf(target), archive);
        assertEquals(0, ArchiveDownload.run(target, archive.length, sha, offset -> serve(offset, archive, sha, -1),
                progress));
        assertEquals(List.of(), asked);
        assertArrayEquals(archive, Files.readAllBytes(target));
    }

    @Test
    void targetsThatCannotBeWrittenAreUsageErrors() throws IOException {
        Files.write(dir.resolve("exists.zip"), new byte[1]);
        assertThrows(UsageException.class, () -> ArchiveDownload.checkTarget(dir.resolve("exists.zip").toString()));
        assertThrows(UsageException.class, () -> ArchiveDownload.checkTarget(dir.resolve("no/dir.zip").toString()));
        assertThrows(UsageException.class, () -> ArchiveDownload.checkTarget(" "));
    }
}
