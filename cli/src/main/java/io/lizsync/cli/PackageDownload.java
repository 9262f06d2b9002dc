package io.lizsync.cli;

import io.lizsync.proto.packaging.v1.PackageChunk;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;

/**
 * Writes a package archive to {@code OUT.zip.part} chunk by chunk (never the whole archive in
 * memory), resuming from the size of an existing {@code .part}, then checks the size and SHA-256
 * and renames it to {@code OUT.zip}. A {@code .part} that fails the check is removed, so that the
 * next attempt starts afresh.
 */
final class PackageDownload {

    /** Opens the chunk stream of the package from a byte offset. */
    interface ChunkSource {
        Iterator<PackageChunk> open(long offset);
    }

    private PackageDownload() {
    }

    /** The {@code .part} file next to {@code target}. */
    static Path partOf(Path target) {
        return target.resolveSibling(target.getFileName() + ".part");
    }

    /**
     * Refuses a target that cannot be written: an existing file, a missing directory. Checked before
     * anything is asked of a service.
     */
    static Path checkTarget(String zipFile) {
        if (zipFile == null || zipFile.isBlank()) {
            throw new Args.UsageException("--zip-file needs a file name");
        }
        Path target = Path.of(zipFile).toAbsolutePath().normalize();
        if (target.getFileName() == null) {
            throw new Args.UsageException("--zip-file: '" + zipFile + "' is not a file name");
        }
        if (Files.exists(target)) {
            throw new Args.UsageException(target + " already exists; remove it or choose another --zip-file");
        }
        Path dir = target.getParent();
        if (!Files.isDirectory(dir)) {
            throw new Args.UsageException("directory " + dir + " does not exist");
        }
        return target;
    }

    /**
     * Downloads into {@code target} (checked with {@link #checkTarget}). {@code expectedSize} and
     * {@code expectedSha256} come from the package metadata; the first chunk must agree with them.
     * Returns the number of bytes transferred by this call.
     */
    static long run(Path target, long expectedSize, String expectedSha256, ChunkSource source, PrintStream progress)
            throws IOException {
        Path part = partOf(target);
        long offset = Files.exists(part) ? Files.size(part) : 0;
        if (offset > expectedSize) {
            progress.printf("download: %s is larger than the package (%d > %d bytes); starting again%n", part,
                    offset, expectedSize);
            Files.delete(part);
            offset = 0;
        }
        MessageDigest digest = sha256();
        if (offset > 0) {
            progress.printf("download: resuming %s at %d of %d bytes (%d%%)%n", part, offset, expectedSize,
                    percent(offset, expectedSize));
            hashFile(part, digest);
        }
        long start = offset;
        long position = offset;
        if (offset < expectedSize) {
            position = transfer(part, offset, expectedSize, expectedSha256, source, digest, progress);
        }
        if (position != expectedSize) {
            throw new CliFailure("download of " + target.getFileName() + " stopped at " + position + " of "
                    + expectedSize + " bytes; run the same command again to resume");
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equalsIgnoreCase(expectedSha256)) {
            Files.deleteIfExists(part);
            throw new CliFailure("SHA-256 of the downloaded archive is " + actual + ", expected " + expectedSha256
                    + "; the partial file was removed, run the same command again to download it afresh");
        }
        if (!Files.exists(part)) {
            Files.createFile(part); // an empty archive: nothing was transferred
        }
        if (Files.exists(target)) {
            throw new CliFailure(target + " appeared during the download; the archive is kept as " + part);
        }
        try {
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.AtomicMoveNotSupportedException e) {
            Files.move(part, target);
        }
        return position - start;
    }

    private static long transfer(Path part, long offset, long expectedSize, String expectedSha256,
            ChunkSource source, MessageDigest digest, PrintStream progress) throws IOException {
        long position = offset;
        int lastTenth = (int) (percent(offset, expectedSize) / 10);
        boolean first = true;
        try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            Iterator<PackageChunk> chunks = source.open(offset);
            while (chunks.hasNext()) {
                PackageChunk chunk = chunks.next();
                if (first) {
                    first = false;
                    if (chunk.getTotalSize() != expectedSize
                            || !chunk.getSha256().equalsIgnoreCase(expectedSha256)) {
                        out.close();
                        Files.deleteIfExists(part);
                        throw new CliFailure("the package changed on the server (size " + chunk.getTotalSize()
                                + ", sha256 " + chunk.getSha256() + "; expected " + expectedSize + ", "
                                + expectedSha256 + ")");
                    }
                }
                if (chunk.getOffset() != position) {
                    throw new CliFailure("the server sent bytes at offset " + chunk.getOffset() + ", expected "
                            + position);
                }
                if (position + chunk.getData().size() > expectedSize) {
                    throw new CliFailure("the server sent more bytes than the package holds (" + expectedSize + ")");
                }
                for (ByteBuffer b : chunk.getData().asReadOnlyByteBufferList()) {
                    digest.update(b.duplicate());
                    while (b.hasRemaining()) {
                        out.write(b);
                    }
                }
                position += chunk.getData().size();
                int tenth = (int) (percent(position, expectedSize) / 10);
                if (tenth > lastTenth) {
                    lastTenth = tenth;
                    progress.printf("download: %3d%% (%d of %d bytes)%n", tenth * 10, position, expectedSize);
                }
                if (chunk.getLast()) {
                    break;
                }
            }
            out.force(true);
        }
        return position;
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

    /** An error that is neither the command line's nor a service status: exit code 4. */
    static final class CliFailure extends RuntimeException {
        CliFailure(String message) {
            super(message);
        }
    }
}
