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

import io.lizsync.testkit.ProcessRunner;
import io.lizsync.testkit.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mirror engine against vsftpd as field servers run it (Debian's package): LIST names and
 * MDTM times (no MLSD), explicit FTPS with certificate verification, a full disk, and transfers
 * cut by the server's death that resume where they stopped.
 */
class VsftpdIT {

    private static final Instant T0 = Instant.parse("2026-10-01T06:00:00Z");

    @TempDir
    Path tmp;

    @Test
    void mirrorsBothWaysWithListNamesAndMdtmTimes() throws Exception {
        try (Vsftpd v = Vsftpd.start(List.of())) {
            write(v.pub(), "projects/a.qgs", "<qgis/>", T0);
            write(v.pub(), "projects/sub/b.txt", "bee", T0);
            write(v.pub(), "projects/data/x.gpkg", "excluded", T0);
            write(v.pub(), "projects/metadata/m.xml", "<m/>", T0);
            Path local = tmp.resolve("clone");
            var down = options(Mirror.Direction.DOWNLOAD, v.endpoint(FtpEndpoint.Tls.NONE, Optional.empty()), "projects",
                    local, Exclusions.of(List.of("data")), false, tmp.resolve("down.tsv"));
            MirrorReport first = Mirror.run(down, Mirror.Listener.NONE, () -> false);
            assertNull(first.fatal(), () -> first.fatal().getMessage());
            assertTrue(first.comparison().contains("MDTM"), first.comparison());
            assertEquals(Map.of("a.qgs", "<qgis/>", "sub/b.txt", "bee", "metadata/m.xml", "<m/>"), tree(local));
            assertEquals(T0, Files.getLastModifiedTime(local.resolve("a.qgs")).toInstant());
            MirrorReport second = Mirror.run(down, Mirror.Listener.NONE, () -> false);
            assertEquals(0, second.transferred(), second.summary());
            assertEquals(3, second.skipped());

            var up = options(Mirror.Direction.UPLOAD, v.endpoint(FtpEndpoint.Tls.NONE, Optional.empty()), "clone-a",
                    local, Exclusions.of(List.of("data")), true, tmp.resolve("up.tsv"));
            MirrorReport sent = Mirror.run(up, Mirror.Listener.NONE, () -> false);
            assertNull(sent.fatal(), () -> sent.fatal().getMessage());
            assertEquals(3, sent.transferred());
            assertEquals(tree(local), tree(v.pub().resolve("clone-a")));
            MirrorReport again = Mirror.run(up, Mirror.Listener.NONE, () -> false);
            assertEquals(0, again.transferred(), "the cache knows the server's upload times: " + again.summary());
            MirrorIT.assertNoParts(v.pub());
        }
    }

    /** The MDTMs of the whole tree go after its LISTs, 128 per batch: each file still gets its own time. */
    @Test
    void aTreesMdtmsInSeveralBatchesGiveEachFileItsOwnTime() throws Exception {
        try (Vsftpd v = Vsftpd.start(List.of())) {
            Map<String, Instant> expected = new java.util.TreeMap<>();
            for (int i = 0; i < 300; i++) { // over two batches and a half, across folders of unequal sizes
                String path = (i % 3 == 0 ? "" : "d" + (i % 7) + "/") + "f" + i + ".txt";
                Instant t = T0.plus(Duration.ofMinutes(i));
                write(v.pub(), "tree/" + path, "x" + i, t);
                expected.put(path, t);
            }
            FtpEndpoint e = v.endpoint(FtpEndpoint.Tls.NONE, Optional.empty());
            try (FtpSession s = FtpSession.open(e)) {
                Listing listing = RemoteTree.list(s, s.absolute(SafeNames.join(e.remoteDir(), "tree")), Exclusions.NONE);
                Map<String, Instant> times = new java.util.TreeMap<>();
                listing.files().forEach((path, f) -> times.put(path, f.mtime()));
                assertEquals(expected, times);
            }
        }
    }

    @Test
    void ftpsVerifiesTheCertificateAgainstTheTrustedCaAndRefusesAnotherOne() throws Exception {
        TestCertificates certs = TestCertificates.get();
        try (Vsftpd v = Vsftpd.start(Vsftpd.tls(certs.serverCertificate(), certs.serverKey()))) {
            write(v.pub(), "projects/a.qgs", "<qgis/>", T0);
            Path local = tmp.resolve("clone");
            var trusted = options(Mirror.Direction.DOWNLOAD,
                    v.endpoint(FtpEndpoint.Tls.EXPLICIT, Optional.of(certs.caCertificate())), "projects", local,
                    Exclusions.NONE, false, tmp.resolve("c.tsv"));
            MirrorReport ok = Mirror.run(trusted, Mirror.Listener.NONE, () -> false);
            assertNull(ok.fatal(), () -> ok.fatal().getMessage());
            assertEquals(Map.of("a.qgs", "<qgis/>"), tree(local));

            var stranger = options(Mirror.Direction.DOWNLOAD,
                    v.endpoint(FtpEndpoint.Tls.EXPLICIT, Optional.of(certs.strangerCaCertificate())), "projects",
                    tmp.resolve("never"), Exclusions.NONE, false, tmp.resolve("s.tsv"));
            MirrorReport refused = Mirror.run(stranger, Mirror.Listener.NONE, () -> false);
            assertNotNull(refused.fatal());
            assertEquals(FtpFailure.Code.FAILED_PRECONDITION, refused.fatal().code());
            assertTrue(refused.fatal().getMessage().contains("does not verify"), refused.fatal().getMessage());
            var jvmStore = options(Mirror.Direction.DOWNLOAD, v.endpoint(FtpEndpoint.Tls.EXPLICIT, Optional.empty()),
                    "projects", tmp.resolve("never"), Exclusions.NONE, false, tmp.resolve("j.tsv"));
            assertEquals(FtpFailure.Code.FAILED_PRECONDITION, Mirror.run(jvmStore, Mirror.Listener.NONE, () -> false)
                    .fatal().code(), "a test CA is in no default trust store: refused, never accepted silently");
            assertFalse(Files.exists(tmp.resolve("never")));
        }
    }

    @Test
    void aCertificateForAnotherNameIsRefusedEvenWhenItselfTrusted() throws Exception {
        // The name alone: each server's own self-signed certificate is the trust file, so its chain
        // verifies; the one for 127.0.0.1 is accepted, the one for another.example refused.
        for (String san : List.of("IP:127.0.0.1", "DNS:another.example")) {
            Path dir = Files.createDirectories(tmp.resolve(san.replace(':', '-')));
            Path key = dir.resolve("server.key");
            Path cert = dir.resolve("server.crt");
            ProcessRunner.check(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj",
                    "/CN=" + san.substring(san.indexOf(':') + 1), "-addext", "subjectAltName=" + san), Duration.ofSeconds(30));
            try (Vsftpd v = Vsftpd.start(Vsftpd.tls(cert, key))) {
                write(v.pub(), "projects/a.qgs", "<qgis/>", T0);
                Path local = dir.resolve("clone");
                MirrorReport r = Mirror.run(options(Mirror.Direction.DOWNLOAD,
                        v.endpoint(FtpEndpoint.Tls.EXPLICIT, Optional.of(cert)), "projects", local, Exclusions.NONE,
                        false, dir.resolve("c.tsv")), Mirror.Listener.NONE, () -> false);
                if (san.startsWith("IP:")) {
                    assertNull(r.fatal(), () -> r.fatal().getMessage());
                    assertEquals(Map.of("a.qgs", "<qgis/>"), tree(local));
                } else {
                    assertNotNull(r.fatal(), "a certificate for another.example accepted for 127.0.0.1");
                    assertEquals(FtpFailure.Code.FAILED_PRECONDITION, r.fatal().code());
                    assertTrue(r.fatal().getMessage().contains("host name"), r.fatal().getMessage());
                    assertFalse(Files.exists(local));
                }
            }
        }
    }

    @Test
    void aFullDiskOnTheServerIsAClearErrorAndLeavesNoFile() throws Exception {
        try (Vsftpd v = Vsftpd.start(List.of())) {
            Path small = Files.createDirectories(v.pub().resolve("small"));
            ProcessRunner.check(List.of("mount", "-t", "tmpfs", "-o", "size=256k,mode=0755", "tmpfs", small.toString()),
                    Duration.ofSeconds(10));
            try {
                Vsftpd.chownFtp(small);
                Path local = tmp.resolve("project");
                byte[] big = new byte[1024 * 1024];
                new Random(3).nextBytes(big);
                MirrorFixtures.writeBytes(local, "big.bin", big);
                var up = options(Mirror.Direction.UPLOAD, v.endpoint(FtpEndpoint.Tls.NONE, Optional.empty()), "small",
                        local, Exclusions.NONE, false, tmp.resolve("c.tsv"));
                MirrorReport r = Mirror.run(up, Mirror.Listener.NONE, () -> false);
                assertNotNull(r.fatal(), r.summary());
                assertEquals(FtpFailure.Code.RESOURCE_EXHAUSTED, r.fatal().code(), r.fatal().getMessage());
                assertTrue(r.fatal().getMessage().contains("disk or quota"), r.fatal().getMessage());
                assertEquals(1, r.failed());
                assertEquals(Map.of(), tree(small), "neither the file nor its part stays on the full disk");
            } finally {
                ProcessRunner.check(List.of("umount", "-l", small.toString()), Duration.ofSeconds(10));
            }
        }
    }

    @Test
    void transfersCutByTheServersDeathResumeWhereTheyStopped() throws Exception {
        try (Vsftpd v = Vsftpd.start(List.of("anon_max_rate=393216"))) {
            byte[] big = new byte[1024 * 1024];
            new Random(11).nextBytes(big);
            MirrorFixtures.writeBytes(v.pub(), "projects/big.bin", big);
            Path local = tmp.resolve("clone");
            var down = options(Mirror.Direction.DOWNLOAD, v.endpoint(FtpEndpoint.Tls.NONE, Optional.empty()), "projects",
                    local, Exclusions.NONE, false, tmp.resolve("d.tsv"));
            CompletableFuture<MirrorReport> cut = CompletableFuture.supplyAsync(() -> Mirror.run(down, Mirror.Listener.NONE,
                    () -> false));
            Path part = MirrorFixtures.waitForPart(local, 200 * 1024);
            v.kill();
            MirrorReport r = cut.get(30, TimeUnit.SECONDS);
            assertNotNull(r.fatal());
            assertEquals(FtpFailure.Code.UNAVAILABLE, r.fatal().code(), r.fatal().getMessage());
            assertFalse(Files.exists(local.resolve("big.bin")), "no truncated file under the real name");
            long kept = Files.size(part);
            assertTrue(kept > 0 && kept < big.length, "part " + kept);

            v.startAgain();
            MirrorReport resumed = Mirror.run(down, Mirror.Listener.NONE, () -> false);
            assertNull(resumed.fatal(), () -> resumed.fatal().getMessage());
            assertEquals(1, resumed.resumed(), resumed.summary());
            assertEquals(big.length - kept, resumed.bytes());
            assertArrayEquals(big, Files.readAllBytes(local.resolve("big.bin")));

            // The same the other way: an upload cut, then resumed from the server's part (SIZE, REST).
            Path project = tmp.resolve("project");
            MirrorFixtures.writeBytes(project, "up.bin", big);
            var up = options(Mirror.Direction.UPLOAD, v.endpoint(FtpEndpoint.Tls.NONE, Optional.empty()), "clone-b",
                    project, Exclusions.NONE, false, tmp.resolve("u.tsv"));
            CompletableFuture<MirrorReport> cutUp = CompletableFuture.supplyAsync(() -> Mirror.run(up, Mirror.Listener.NONE,
                    () -> false));
            Path remotePart = MirrorFixtures.waitForPart(v.pub().resolve("clone-b"), 200 * 1024);
            v.kill();
            assertNotNull(cutUp.get(30, TimeUnit.SECONDS).fatal());
            assertFalse(Files.exists(v.pub().resolve("clone-b/up.bin")));
            long keptUp = Files.size(remotePart);
            v.startAgain();
            MirrorReport resumedUp = Mirror.run(up, Mirror.Listener.NONE, () -> false);
            assertNull(resumedUp.fatal(), () -> resumedUp.fatal().getMessage());
            assertEquals(1, resumedUp.resumed(), resumedUp.summary());
            assertEquals(big.length - keptUp, resumedUp.bytes());
            assertArrayEquals(big, Files.readAllBytes(v.pub().resolve("clone-b/up.bin")));
            MirrorIT.assertNoParts(v.pub());
        }
    }
}
