package io.lizsync.files.ftp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.zip.CRC32;

/**
 * One file's transfer, either way: written under its part name ({@link PartNames}), resumed from
 * a part that matches the source's size and time (REST), checked for its size, then renamed to
 * its real name. Memory stays at one buffer whatever the file's size.
 */
public final class Transfers {

    static final int BUFFER = 256 * 1024;

    /** One buffer per transfer thread, reused from file to file (a thousand small files make no garbage). */
    private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[BUFFER]);

    /** A completed transfer: bytes moved now, the offset it resumed from, the target afterwards. */
    public record Done(long bytes, long resumedFrom, FileEntry target) {
    }

    /** Thrown between two buffers when the job is cancelled; the part stays for a later run. */
    public static final class Cancelled extends RuntimeException {
        Cancelled() {
            super("cancelled", null, false, false);
        }
    }

    private Transfers() {
    }

    /** Downloads {@code src} (relative to {@code remoteRoot}) into {@code localRoot}. */
    public static Done download(FtpSession s, String remoteRoot, Path localRoot, FileEntry src, long partLength,
            LongConsumer progress, BooleanSupplier cancelled) throws IOException {
        return download(s, remoteRoot, localRoot, src, partLength, null, progress, cancelled);
    }

    /**
     * Downloads {@code src}, asking with it for {@code next} (the file this session downloads next
     * from offset 0, relative to {@code remoteRoot}; null for none) so that the server starts that
     * one without waiting for another round trip ({@link FtpSession#ahead}).
     */
    public static Done download(FtpSession s, String remoteRoot, Path localRoot, FileEntry src, long partLength,
            FileEntry next, LongConsumer progress, BooleanSupplier cancelled) throws IOException {
        Path target = SafeNames.resolve(localRoot, src.path());
        Path dir = target.getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
        }
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FtpFailure(FtpFailure.Code.FAILED_PRECONDITION, "a local folder stands where the file goes");
        }
        String partName = PartNames.of(src.name(), src.size(), src.mtimeMillis());
        Path part = dir.resolve(partName);
        long have = partLength >= 0 && Files.exists(part, LinkOption.NOFOLLOW_LINKS) ? Files.size(part) : -1;
        long offset = s.rest() && src.mtime() != null ? PartNames.resumeOffset(have, src.size()) : 0;
        long moved = 0;
        // The server accepts the download before anything is created or truncated here.
        if (next != null) {
            s.ahead(SafeNames.join(remoteRoot, next.path()));
        }
        InputStream in = s.retrieve(SafeNames.join(remoteRoot, src.path()), offset);
        try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS, offset > 0 ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            try {
                byte[] buf = BUFFERS.get();
                int n;
                while ((n = in.read(buf)) >= 0) {
                    ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                    while (b.hasRemaining()) {
                        out.write(b);
                    }
                    moved += n;
                    progress.accept(n);
                    if (cancelled.getAsBoolean()) {
                        throw new Cancelled();
                    }
                }
            } finally {
                in.close();
            }
            s.complete("download of " + src.path());
        }
        long got = Files.size(part);
        if (got != src.size()) {
            throw new FtpFailure(FtpFailure.Code.DATA_LOSS, "received " + got + " of " + src.size()
                    + " bytes (the part is kept; the next run resumes it)");
        }
        if (src.mtime() != null) {
            Files.setLastModifiedTime(part, FileTime.from(src.mtime()));
        }
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Instant mtime = Files.getLastModifiedTime(target).toInstant();
        return new Done(moved, offset, new FileEntry(src.path(), got, mtime));
    }

    /** Uploads {@code src} (relative to {@code localRoot}) under {@code remoteRoot}; its folder exists. */
    public static Done upload(FtpSession s, String remoteRoot, Path localRoot, FileEntry src, long partLength,
            LongConsumer progress, BooleanSupplier cancelled) throws IOException {
        Path local = SafeNames.resolve(localRoot, src.path());
        String remote = SafeNames.join(remoteRoot, src.path());
        String part = SafeNames.join(SafeNames.join(remoteRoot, src.parent()),
                PartNames.of(src.name(), src.size(), src.mtimeMillis()));
        // The listing told which part an earlier run left for this very source (size and time in its name).
        long have = s.rest() && partLength > 0 ? s.size(part) : -1;
        long offset = PartNames.resumeOffset(have, src.size());
        long moved = 0;
        try (FileChannel in = FileChannel.open(local, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            in.position(offset);
            OutputStream out = s.store(part, offset);
            try {
                byte[] buf = BUFFERS.get();
                ByteBuffer b = ByteBuffer.wrap(buf);
                int n;
                while ((n = in.read(b.clear())) >= 0) {
                    out.write(buf, 0, n);
                    moved += n;
                    progress.accept(n);
                    if (cancelled.getAsBoolean()) {
                        throw new Cancelled();
                    }
                }
                out.close();
            } catch (IOException dataLost) {
                // A server that cannot write (full disk, quota) drops the data connection, then says why.
                closeQuietly(out);
                completeAfterLoss(s, part, src.path(), dataLost);
                throw dataLost;
            }
            try {
                s.complete("upload of " + src.path());
            } catch (FtpFailure f) {
                freeOnFullDisk(s, part, f);
                throw f;
            }
        }
        long size = s.size(part);
        if (size >= 0 && size != src.size()) {
            throw new FtpFailure(FtpFailure.Code.DATA_LOSS, "the server holds " + size + " of " + src.size()
                    + " bytes after the upload (the part is kept; the next run resumes it)");
        }
        Instant mtime = s.renameWithTime(part, remote, src.mtime()).orElse(null);
        return new Done(moved, offset, new FileEntry(src.path(), src.size(), mtime));
    }

    /**
     * After the data connection of an upload broke: the server's reply, when it gives one, says why
     * (a full disk or quota ends as RESOURCE_EXHAUSTED, its part deleted); otherwise the caller
     * reports the lost connection.
     */
    private static void completeAfterLoss(FtpSession s, String part, String path, IOException dataLost) {
        try {
            s.complete("upload of " + path);
        } catch (FtpFailure f) {
            freeOnFullDisk(s, part, f);
            f.addSuppressed(dataLost);
            throw f;
        } catch (IOException controlLostToo) {
            dataLost.addSuppressed(controlLostToo);
        }
    }

    private static void freeOnFullDisk(FtpSession s, String part, FtpFailure f) {
        if (f.code() == FtpFailure.Code.RESOURCE_EXHAUSTED) {
            try {
                s.delete(part); // free what the part holds; nothing of it can be resumed usefully
            } catch (IOException ignored) {
                // the failure says enough
            }
        }
    }

    private static void closeQuietly(OutputStream out) {
        try {
            out.close();
        } catch (IOException ignored) {
            // the data connection is gone already
        }
    }

    /** The lower-case hex digest of a local file with a checksum method's algorithm. */
    public static String localDigest(Path file, Checksums.Method method) throws IOException {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] buf = BUFFERS.get();
            int n;
            if (method.algorithm.equals("CRC32")) {
                CRC32 crc = new CRC32();
                while ((n = in.read(buf)) >= 0) {
                    crc.update(buf, 0, n);
                }
                return String.format("%08x", crc.getValue());
            }
            MessageDigest md = MessageDigest.getInstance(method.algorithm);
            while ((n = in.read(buf)) >= 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
