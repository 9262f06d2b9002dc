package io.lizsync.files.ftp;

import static io.lizsync.files.ftp.MirrorFixtures.options;
import static io.lizsync.files.ftp.MirrorFixtures.tree;
import static io.lizsync.files.ftp.MirrorFixtures.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import io.lizsync.testkit.FtpTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mirror engine against a real FTP server on loopback (Apache FtpServer 1.2.1: MLSD, MDTM,
 * MFMT, REST STREAM, SIZE): both directions, the cache, exclusions as segments, deletes, unsafe
 * names, refused logins, a missing folder, and a connection lost in the middle of a file.
 */
class MirrorIT {

    private static final Instant T0 = Instant.parse("2026-11-02T08:15:30Z");

    @TempDir
    Path tmp;

    private FtpTestServer ftp;

    @BeforeEach
    void start() {
        ftp = MirrorFixtures.ftpServer(0);
    }

    @AfterEach
    void stop() {
        MirrorFixtures.closeAndDelete(ftp);
    }

    @Test
    void downloadsNewAndChangedFilesSkipsUnchangedAndExcludedSegments() throws Exception {
        Path remote = ftp.home().resolve("projects");
        write(remote, "a.qgs", "<qgis/>", T0);
        write(remote, "sub/b.txt", "bee", T0);
        write(remote, "data/big.gpkg", "not wanted", T0);
        write(remote, "sub/data/deep.gpkg", "not wanted either", T0);
        write(remote, "metadata/m.xml", "<m/>", T0);
        write(remote, "data.txt", "a file named like the folder", T0);
        Path local = tmp.resolve("clone");
        Path cache = tmp.resolve("cache.tsv");
        var endpoint = MirrorFixtures.endpoint(ftp, "");
        var o = options(Mirror.Direction.DOWNLOAD, endpoint, "projects", local, Exclusions.of(List.of("data")), false, cache);

        MirrorReport first = Mirror.run(o, Mirror.Listener.NONE, () -> false);
        assertNull(first.fatal(), () -> first.fatal().getMessage());
        assertEquals(Map.of("a.qgs", "<qgis/>", "sub/b.txt", "bee", "metadata/m.xml", "<m/>",
                "data.txt", "a file named like the folder"), tree(local));
        assertEquals(4, first.transferred());
        assertEquals(0, first.failed());
        assertEquals(T0, Files.getLastModifiedTime(local.resolve("a.qgs")).toInstant().truncatedTo(ChronoUnit.SECONDS),
                "the local file carries the server's time (UTC)");
        assertTrue(first.comparison().contains("MLSD"), first.comparison());

        MirrorReport second = Mirror.run(o, Mirror.Listener.NONE, () -> false);
        assertEquals(0, second.transferred());
        assertEquals(4, second.skipped());

        write(remote, "a.qgs", "<qgis version='3'/>", T0.plusSeconds(3600));
        write(remote, "sub/b.txt", "BEE", T0.plusSeconds(60)); // same size, later time
        MirrorReport third = Mirror.run(o, Mirror.Listener.NONE, () -> false);
        assertEquals(2, third.transferred(), third.summary());
        assertEquals(2, third.skipped());
        assertEquals("<qgis version='3'/>", Files.readString(local.resolve("a.qgs")));
        assertEquals("BEE", Files.readString(local.resolve("sub/b.txt")));
        assertNoParts(local);

        Files.delete(cache);
        MirrorReport withoutCache = Mirror.run(o, Mirror.Listener.NONE, () -> false);
        assertEquals(0, withoutCache.transferred(), "same sizes and UTC times: nothing sent without the cache either");
    }

    @Test
    void uploadsCreatesFoldersSetsTimesAndDeletesWhatIsGoneOutsideExclusions() throws Exception {
        Path local = tmp.resolve("project");
        write(local, "p.qgs", "<qgis/>", T0);
        write(local, "media/photo.jpg", "jpeg", T0);
        write(local, "data/local.gpkg", "excluded", T0);
        Path remote = ftp.home().resolve("clone/p1");
        write(remote, "old.qgs", "gone locally", T0);
        write(remote, "data/keep.gpkg", "excluded folders are never touched", T0);
        Path cache = tmp.resolve("up.tsv");
        var o = options(Mirror.Direction.UPLOAD, MirrorFixtures.endpoint(ftp, "/clone"), "p1", local,
                Exclusions.of(List.of("data")), true, cache);

        MirrorReport first = Mirror.run(o, Mirror.Listener.NONE, () -> false);
        assertNull(first.fatal(), () -> first.fatal().getMessage());
        assertEquals(2, first.transferred());
        assertEquals(1, first.deleted());
        assertEquals(Map.of("p.qgs", "<qgis/>", "media/photo.jpg", "jpeg", "data/keep.gpkg",
                "excluded folders are never touched"), tree(remote));
        assertEquals(T0, Files.getLastModifiedTime(remote.resolve("p.qgs")).toInstant().truncatedTo(ChronoUnit.SECONDS),
                "MFMT gave the remote file the local time");
        assertNoParts(remote);

        MirrorReport second = Mirror.run(o, Mirror.Listener.NONE, () -> false);
        assertEquals(0, second.transferred(), second.summary());
        assertEquals(2, second.skipped());
        assertEquals(0, second.deleted());
    }

    @Test
    void unsafeRemoteNamesAreRefusedAndNothingLandsOutsideTheFolder() throws Exception {
        Path remote = ftp.home().resolve("projects");
        write(remote, "ok.txt", "fine", T0);
        write(remote, "bell\u0007name.txt", "control character", T0);
        write(remote, "line\nbreak.txt", "line break", T0);
        Path local = tmp.resolve("inside/clone");
        var o = options(Mirror.Direction.DOWNLOAD, MirrorFixtures.endpoint(ftp, ""), "projects", local,
                Exclusions.NONE, false, tmp.resolve("c.tsv"));

        MirrorReport r = Mirror.run(o, Mirror.Listener.NONE, () -> false);
        assertNull(r.fatal());
        assertEquals(Map.of("ok.txt", "fine"), tree(local), "neither the unsafe names nor a part of them");
        // The line break splits the server's own MLSD line: what it lists as "line" does not exist
        // as such and fails too; the bell is refused before any transfer.
        assertTrue(r.files().stream().anyMatch(f -> f.action() == MirrorReport.Action.FAILED
                && f.path().equals("bell?name.txt") && f.reason().contains("control character")), r.files().toString());
        assertTrue(r.files().stream().noneMatch(f -> f.path().contains("\n") || f.path().contains("\u0007")));
        try (Stream<Path> all = Files.walk(tmp)) {
            assertEquals(List.of(), all.filter(Files::isRegularFile)
                    .filter(p -> !p.startsWith(local) && !p.getFileName().toString().equals("c.tsv")).toList());
        }
    }

    @Test
    void refusedLoginAndMissingFolderAreClearErrors() {
        var wrong = options(Mirror.Direction.DOWNLOAD, MirrorFixtures.endpoint(ftp, "", MirrorFixtures.passwordFile("not-the-password")), "projects",
                tmp.resolve("x"), Exclusions.NONE, false, tmp.resolve("c.tsv"));
        MirrorReport refused = Mirror.run(wrong, Mirror.Listener.NONE, () -> false);
        assertNotNull(refused.fatal());
        assertEquals(FtpFailure.Code.UNAUTHENTICATED, refused.fatal().code());
        assertTrue(refused.fatal().getMessage().contains("refused the login of user \"lizsync\""), refused.fatal().getMessage());
        assertFalse(refused.fatal().getMessage().contains("not-the-password"));

        var missing = options(Mirror.Direction.DOWNLOAD, MirrorFixtures.endpoint(ftp, ""), "no/such/folder",
                tmp.resolve("x"), Exclusions.NONE, false, tmp.resolve("c.tsv"));
        MirrorReport notFound = Mirror.run(missing, Mirror.Listener.NONE, () -> false);
        assertEquals(FtpFailure.Code.NOT_FOUND, notFound.fatal().code());
        assertTrue(notFound.fatal().getMessage().contains("/no/such/folder does not exist"), notFound.fatal().getMessage());
        assertFalse(Files.exists(tmp.resolve("x")), "nothing was created");
    }

    @Test
    void aServerStoppedMidFileLeavesNoFileUnderItsName() throws Exception {
        MirrorFixtures.closeAndDelete(ftp);
        ftp = MirrorFixtures.ftpServer(512 * 1024); // 512 KiB/s: the 1.5 MiB file takes about 3 s
        byte[] big = new byte[3 * 512 * 1024];
        new Random(7).nextBytes(big);
        MirrorFixtures.writeBytes(ftp.home(), "projects/big.bin", big);
        Path local = tmp.resolve("clone");
        var o = options(Mirror.Direction.DOWNLOAD, MirrorFixtures.endpoint(ftp, ""), "projects", local,
                Exclusions.NONE, false, tmp.resolve("c.tsv"));

        CompletableFuture<MirrorReport> cut = CompletableFuture.supplyAsync(() -> Mirror.run(o, Mirror.Listener.NONE, () -> false));
        Path part = MirrorFixtures.waitForPart(local, 300 * 1024);
        ftp.stop(); // Apache FtpServer closes the control connection; its data thread may still finish
        MirrorReport r = cut.get(30, TimeUnit.SECONDS);
        assertNotNull(r.fatal(), "the cut is reported");
        assertEquals(FtpFailure.Code.UNAVAILABLE, r.fatal().code(), r.fatal().getMessage());
        assertTrue(r.fatal().getMessage().contains("kept under a temporary name"), r.fatal().getMessage());
        assertFalse(Files.exists(local.resolve("big.bin")), "no unconfirmed file under the real name");
        assertTrue(Files.exists(part), "the part is kept");

        ftp.startAgain();
        MirrorReport again = Mirror.run(o, Mirror.Listener.NONE, () -> false);
        assertNull(again.fatal(), () -> again.fatal().getMessage());
        assertEquals(1, again.transferred());
        assertArrayEquals(big, Files.readAllBytes(local.resolve("big.bin")));
        assertNoParts(local);
    }

    @Test
    void aCancelStopsWithinTheCurrentFileAndKeepsItsPart() throws Exception {
        MirrorFixtures.closeAndDelete(ftp);
        ftp = MirrorFixtures.ftpServer(256 * 1024);
        byte[] big = new byte[2 * 1024 * 1024];
        new Random(5).nextBytes(big);
        MirrorFixtures.writeBytes(ftp.home(), "projects/big.bin", big);
        Path local = tmp.resolve("clone");
        var o = options(Mirror.Direction.DOWNLOAD, MirrorFixtures.endpoint(ftp, ""), "projects", local,
                Exclusions.NONE, false, tmp.resolve("c.tsv"));
        java.util.concurrent.atomic.AtomicBoolean cancel = new java.util.concurrent.atomic.AtomicBoolean();
        CompletableFuture<MirrorReport> running = CompletableFuture.supplyAsync(() -> Mirror.run(o, Mirror.Listener.NONE,
                cancel::get));
        Path part = MirrorFixtures.waitForPart(local, 100 * 1024);
        long asked = System.nanoTime();
        cancel.set(true);
        MirrorReport r = running.get(30, TimeUnit.SECONDS);
        assertTrue(System.nanoTime() - asked < TimeUnit.SECONDS.toNanos(3), "stopped within its current buffer");
        assertTrue(r.wasCancelled());
        assertNull(r.fatal());
        assertEquals(0, r.transferred());
        assertFalse(Files.exists(local.resolve("big.bin")));
        assertTrue(Files.size(part) < big.length, "the part stays for the next run");
    }

    static void assertNoParts(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            assertEquals(List.of(), s.filter(p -> PartNames.isPart(p.getFileName().toString())).toList());
        }
    }

    @Test
    void aDownloadAskedAheadThatFailsHereLeavesTheSessionInStep() throws Exception {
        // One worker: b.txt is asked for with a.txt's commands, then fails here (a local folder
        // stands where it goes) before its download; c.txt and d.txt still come, on the same session.
        Path remote = ftp.home().resolve("projects");
        for (String n : List.of("a", "b", "c", "d")) {
            write(remote, n + ".txt", n + n + n, T0);
        }
        Path local = tmp.resolve("clone");
        Files.createDirectories(local.resolve("b.txt/inside"));
        var one = new Mirror.Options(Mirror.Direction.DOWNLOAD, MirrorFixtures.endpoint(ftp, ""), "projects", local,
                Exclusions.NONE, false, false, java.time.Duration.ofSeconds(2), 1, tmp.resolve("c.tsv"));

        MirrorReport r = Mirror.run(one, Mirror.Listener.NONE, () -> false);
        assertNull(r.fatal(), () -> r.fatal().getMessage());
        assertEquals(3, r.transferred(), r.summary());
        assertEquals(1, r.failed(), r.summary());
        assertTrue(r.files().stream().anyMatch(f -> f.action() == MirrorReport.Action.FAILED && f.path().equals("b.txt")
                && f.reason().contains("local folder")), r.files().toString());
        assertEquals(Map.of("a.txt", "aaa", "c.txt", "ccc", "d.txt", "ddd"), tree(local));
    }

    @Test
    void equalSizesWithOtherTimesAreDecidedByTheServersChecksum() throws Exception {
        // Apache FtpServer offers MD5 (draft-twine-ftpmd5): no cache, same sizes, other times.
        Path remote = ftp.home().resolve("projects");
        write(remote, "same.txt", "same content", T0);
        write(remote, "other.txt", "new content!", T0);
        Path local = tmp.resolve("clone");
        write(local, "same.txt", "same content", T0.plusSeconds(3600));
        write(local, "other.txt", "old content!", T0.plusSeconds(3600));
        var o = options(Mirror.Direction.DOWNLOAD, MirrorFixtures.endpoint(ftp, ""), "projects", local,
                Exclusions.NONE, false, tmp.resolve("c.tsv"));

        MirrorReport r = Mirror.run(o, Mirror.Listener.NONE, () -> false);
        assertNull(r.fatal(), () -> r.fatal().getMessage());
        assertTrue(r.comparison().contains("MD5 MD5 when times differ"), r.comparison());
        assertEquals(1, r.transferred(), r.summary());
        assertEquals(1, r.skipped(), "the same bytes under another time: skipped by their checksums");
        assertEquals(Map.of("same.txt", "same content", "other.txt", "new content!"), tree(local));
        assertEquals(T0.plusSeconds(3600), Files.getLastModifiedTime(local.resolve("same.txt")).toInstant(),
                "the skipped file is left as it was");
    }
}
