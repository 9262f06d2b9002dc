package io.lizsync.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Downloads a package archive into {@code OUT.zip.part} (never the whole archive in memory),
 * resuming from the size of an existing {@code .part} with {@code Range: bytes=N-}, then checks the
 * size and SHA-256 (the archive's ETag, which the package's metadata gives too) and renames it to
 * {@code OUT.zip}. A {@code .part} that fails the check is removed, so the next attempt starts afresh.
 */
final class ArchiveDownload {

    /** A streamed answer: the HTTP status, its ETag and Content-Range (null when absent), the bytes. */
    record Stream(int status, String etag, String contentRange, InputStream body) {
    }

    /** Opens the archive from a byte offset (0: the whole archive, without Range). */
    interface Source {
        Stream open(long offset);
    }

    private ArchiveDownload() {
    }

    /** The {@code .part} file next to {@code target}. */
    static Path partOf(Path target) {
        return target.resolveSibling(target.getFileName() + ".part");
    }

    /** Refuses a target that cannot be written: an existing file, a missing directory. */
    static Path checkTarget(String zipFile) {
        if (zipFile == null || zipFile.isBlank()) {
            throw new UsageException("--zip-file needs a file name");
        }
        Path target = Path.of(zipFile).toAbsolutePath().normalize();
        if (target.getFileName() == null) {
            throw new UsageException("--zip-file: '" + zipFile + "' is not a file name");
        }
        if (Files.exists(target)) {
            throw new UsageException(target + " already exists; remove it or choose another --zip-file");
        }
        if (!Files.isDirectory(target.getParent())) {
            throw new UsageException("directory " + target.getParent() + " does not exist");
        }
        return target;
    }

    /** Where to start given a {@code .part} of {@code partSize} bytes: 0 afresh, N to resume, size when complete. */
    static long resumeFrom(long partSize, long expectedSize) {
        return partSize < 0 || partSize > expectedSize ? 0 : partSize;
    }

    /**
     * The offset the answer's bytes start at: 0 for a whole archive (200: the server ignored the
     * Range), {@code asked} for a 206 whose Content-Range says so; anything else is refused.
     */
    static long startOf(int status, String contentRange, long asked, long expectedSize) {
        if (status == 200) {
            return 0;
        }
        if (status != 206 || contentRange == null) {
            throw new CliFailure("the gateway answered the archive with HTTP " + status);
        }
        String expected = String.format(Locale.ROOT, "bytes %d-%d/%d", asked, expectedSize - 1, expectedSize);
        if (!contentRange.strip().equals(expected)) {
            throw new CliFailure("the gateway sent range '" + contentRange + "', expected '" + expected + "'");
        }
        return asked;
    }

    /** The SHA-256 an ETag names ({@code "<hex>"} or {@code W/"<hex>"}), lower case; null when there is none. */
    static String sha256OfEtag(String etag) {
        if (etag == null || etag.isBlank()) {
            return null;
        }
        String e = etag.strip();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        return e.replace("\"", "").toLowerCase(Locale.ROOT);
    }

    /**
     * Downloads into {@code target} (checked with {@link #checkTarget}); returns the bytes
     * transferred by this call.
     */
    static long run(Path target, long expectedSize, String expectedSha256, Source source, PrintStream progress)
            throws IOException {
        Path part = partOf(target);
        long partSize = Files.exists(part) ? Files.size(part) : 0;
        long offset = resumeFrom(partSize, expectedSize);
        if (offset != partSize) {
            progress.printf("download: %s is larger than the package (%d > %d bytes); starting again%n", part,
                    partSize, expectedSize);
            Files.delete(part);
        }
        MessageDigest digest = sha256();
        long transferred = 0;
        if (offset < expectedSize || expectedSize == 0) {
            if (offset > 0) {
                progress.printf("download: resuming %s at %d of %d bytes (%d%%)%n", part, offset, expectedSize,
                        percent(offset, expectedSize));
            }
            Stream s = source.open(offset);
            try (InputStream in = s.body()) {
                String etagSha = sha256OfEtag(s.etag());
                if (etagSha != null && !etagSha.equalsIgnoreCase(expectedSha256)) {
                    Files.deleteIfExists(part);
                    throw new CliFailure("the package changed on the server (ETag sha256 " + etagSha + ", expected "
                            + expectedSha256 + "); the partial file was removed");
                }
                long start = startOf(s.status(), s.contentRange(), offset, expectedSize);
                if (start == 0) {
                    Files.deleteIfExists(part); // a whole archive: what was kept is replaced
                } else {
                    hashFile(part, digest);
                }
                transferred = copy(in, part, start, expectedSize, digest, progress);
            }
        } else {
            hashFile(part, digest);
        }
        long size = Files.exists(part) ? Files.size(part) : 0;
        if (size != expectedSize) {
            throw new CliFailure("download of " + target.getFileName() + " stopped at " + size + " of " + expectedSize
                    + " bytes; run the same command again to resume");
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equalsIgnoreCase(expectedSha256)) {
            Files.deleteIfExists(part);
            throw new CliFailure("SHA-256 of the downloaded archive is " + actual + ", expected " + expectedSha256
                    + "; the partial file was removed, run the same command again to download it afresh");
        }
        if (!Files.exists(part)) {
            Files.createFile(part);
        }
        if (Files.exists(target)) {
            throw new CliFailure(target + " appeared during the download; the archive is kept as " + part);
        }
        try {
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.AtomicMoveNotSupportedException e) {
            Files.move(part, target);
        }
        return transferred;
    }

    private static long copy(InputStream in, Path part, long start, long expectedSize, MessageDigest digest,
            PrintStream progress) throws IOException {
        long position = start;
        int lastTenth = (int) (percent(start, expectedSize) / 10);
        byte[] buffer = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                if (position + n > expectedSize) {
                    throw new CliFailure("the gateway sent more bytes than the package holds (" + expectedSize + ")");
                }
                out.write(buffer, 0, n);
                digest.update(buffer, 0, n);
                position += n;
                int tenth = (int) (percent(position, expectedSize) / 10);
                if (tenth > lastTenth) {
                    lastTenth = tenth;
                    progress.printf("download: %3d%% (%d of %d bytes)%n", tenth * 10, position, expectedSize);
                }
            }
        } catch (IOException e) {
            // bytes written so far stay in the .part: the same command resumes from there
            throw new CliFailure("download interrupted at " + position + " of " + expectedSize + " bytes ("
                    + e.getMessage() + "); run the same command again to resume");
        }
        return position - start;
    }

    private static void hashFile(Path file, MessageDigest digest) throws IOException {
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
    }

    private static long percent(long done, long total) {
        return total <= 0 ? 100 : done * 100 / total;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
