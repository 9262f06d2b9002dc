package io.lizsync.files.ftp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import io.lizsync.testkit.FtpTestServer;
import java.util.stream.Stream;

/** Files and folders of the mirror tests. */
final class MirrorFixtures {

    private MirrorFixtures() {
    }

    static Path write(Path root, String relative, String content, Instant mtime) {
        try {
            Path p = root.resolve(relative);
            Files.createDirectories(p.getParent());
            Files.writeString(p, content, StandardCharsets.UTF_8);
            Files.setLastModifiedTime(p, FileTime.from(mtime));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path writeBytes(Path root, String relative, byte[] content) {
        try {
            Path p = root.resolve(relative);
            Files.createDirectories(p.getParent());
            Files.write(p, content);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every regular file under {@code root}: relative path → content (UTF-8). */
    static Map<String, String> tree(Path root) {
        Map<String, String> out = new TreeMap<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.filter(Files::isRegularFile).forEach(p -> {
                try {
                    out.put(root.relativize(p).toString(), Files.readString(p, StandardCharsets.ISO_8859_1));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static Mirror.Options options(Mirror.Direction direction, FtpEndpoint endpoint, String remoteDir, Path local,
            Exclusions exclusions, boolean delete, Path cache) {
        return new Mirror.Options(direction, endpoint, remoteDir, local, exclusions, delete, false, Duration.ofSeconds(2),
                3, cache);
    }

    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** Waits until a part file of at least {@code atLeast} bytes is in {@code dir}; that part. */
    static Path waitForPart(Path dir, long atLeast) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < end) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    var part = s.filter(p -> PartNames.isPart(p.getFileName().toString())).findFirst();
                    if (part.isPresent() && Files.size(part.get()) >= atLeast) {
                        return part.get();
                    }
                } catch (IOException e) {
                    // the part was just renamed or deleted: look again
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no part file of " + atLeast + " bytes appeared in " + dir);
    }

    /** An Apache FtpServer (testkit) over a new temporary home folder; no rate limit when 0. */
    static FtpTestServer ftpServer(int bytesPerSecond) {
        try {
            return FtpTestServer.start(Files.createTempDirectory("lizsync-ftp-home-"), bytesPerSecond);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops a server of {@link #ftpServer} and deletes its home folder. */
    static void closeAndDelete(FtpTestServer server) {
        server.close();
        deleteTree(server.home());
    }

    /** An endpoint to a test server (plain FTP on loopback), with its password file. */
    static FtpEndpoint endpoint(FtpTestServer server, String remoteDir) {
        return endpoint(server, remoteDir, server.passwordFile());
    }

    /** An endpoint to a test server with another password file (a wrong password). */
    static FtpEndpoint endpoint(FtpTestServer server, String remoteDir, Path passwordFile) {
        return new FtpEndpoint("central", "127.0.0.1", server.port(), FtpTestServer.USER, java.util.Optional.of(passwordFile),
                FtpEndpoint.Tls.NONE, java.util.Optional.empty(), true, FtpEndpoint.PassiveHost.AUTO, remoteDir,
                Duration.ofSeconds(5), Duration.ofSeconds(10));
    }

    /** A temporary file holding {@code password} and a line break. */
    static Path passwordFile(String password) {
        try {
            Path file = Files.createTempFile("lizsync-ftp-password-", "");
            Files.writeString(file, password + "\n", StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
