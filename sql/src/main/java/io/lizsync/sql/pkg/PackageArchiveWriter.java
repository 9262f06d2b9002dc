package io.lizsync.sql.pkg;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a package ZIP sequentially, one entry at a time, streaming: an entry's bytes go straight
 * through the deflater to the file while their count and SHA-256 are computed, so no entry is ever
 * held in memory.
 *
 * <p>Typical use:
 * <pre>{@code
 * try (PackageArchiveWriter writer = new PackageArchiveWriter(path, 6)) {
 *     try (OutputStream out = writer.entry(PackageManifest.PRE_DATA)) { ... }
 *     try (OutputStream out = writer.entry(PackageManifest.dataEntry(0))) { ... }
 *     PackageManifest written = writer.finish(manifest, signer);
 * }
 * }</pre>
 * Closing the writer without a successful {@link #finish(PackageManifest)} deletes the partial file,
 * so an exception anywhere leaves nothing behind.
 *
 * <p>Entry names follow the same rules as {@link PackageArchive} (relative, {@code /}-separated, no
 * {@code .}/{@code ..}/empty segment, no backslash, no control character, at most 255 characters);
 * {@value PackageManifest#MANIFEST} and {@value PackageManifest#SIGNATURE} are reserved for
 * {@link #finish(PackageManifest, PackageSignature.Signer)}. All entries are DEFLATED at the given
 * level. Not thread-safe. An archive finished without a signer ({@link #finish(PackageManifest)})
 * can be read but no clone deploys it.
 */
public final class PackageArchiveWriter implements Closeable {

    private final Path path;
    private final ZipOutputStream zip;
    /** SHA-256 of the archive file itself, computed as it is written. */
    private final java.security.MessageDigest fileDigest;
    private final List<PackageManifest.Entry> written = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private EntryStream current;
    private boolean finished;
    private boolean closed;
    private boolean broken;

    /**
     * Creates (or truncates) {@code zip}.
     *
     * @param compressionLevel {@link Deflater} level, 0 (no compression, still DEFLATED entries) to 9
     * @throws IllegalArgumentException on a level outside 0-9
     */
    public PackageArchiveWriter(Path zip, int compressionLevel) throws IOException {
        Objects.requireNonNull(zip, "zip");
        if (compressionLevel < Deflater.NO_COMPRESSION || compressionLevel > Deflater.BEST_COMPRESSION) {
            throw new IllegalArgumentException("compression level must be 0 to 9, not " + compressionLevel);
        }
        this.path = zip;
        try {
            this.fileDigest = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
        this.zip = new ZipOutputStream(new java.security.DigestOutputStream(
                new BufferedOutputStream(Files.newOutputStream(zip), 256 * 1024), fileDigest), StandardCharsets.UTF_8);
        this.zip.setMethod(ZipOutputStream.DEFLATED);
        this.zip.setLevel(compressionLevel);
    }

    /**
     * Opens the next entry. The returned stream counts the bytes and computes their SHA-256; closing it
     * (not the archive) ends the entry and records its {@link PackageManifest.Entry}.
     *
     * @throws IllegalStateException    when another entry is still open, or the writer is finished,
     *                                  closed or failed earlier
     * @throws IllegalArgumentException on an unsafe, reserved or duplicate name
     */
    public OutputStream entry(String name) throws IOException {
        ensureWritable();
        if (current != null) {
            throw new IllegalStateException("entry " + PackageArchive.quote(current.name)
                    + " is still open; close it before opening entry " + PackageArchive.quote(name));
        }
        String problem = PackageArchive.unsafeNameReason(name);
        if (problem != null) {
            throw new IllegalArgumentException("unsafe entry name " + PackageArchive.quote(name) + ": " + problem);
        }
        if (PackageManifest.MANIFEST.equals(name) || PackageManifest.SIGNATURE.equals(name)) {
            throw new IllegalArgumentException("entry " + PackageArchive.quote(name)
                    + " is reserved: finish() writes it");
        }
        if (names.contains(name)) {
            throw new IllegalArgumentException("duplicate entry " + PackageArchive.quote(name));
        }
        try {
            zip.putNextEntry(new ZipEntry(name));
        } catch (IOException | RuntimeException e) {
            broken = true;
            throw e;
        }
        names.add(name);
        current = new EntryStream(name);
        return current;
    }

    /**
     * Writes {@value PackageManifest#MANIFEST} ({@code manifest} with the entries written so far) as
     * the last entry and closes the ZIP.
     *
     * @return the manifest written
     * @throws IllegalStateException    when an entry is still open, or the writer is finished, closed or
     *                                  failed earlier
     * @throws IllegalArgumentException when the manifest would be refused by {@link PackageArchive}:
     *                                  another format version, a missing required field, an invalid
     *                                  value, a table data entry or additional SQL that was not written
     */
    public PackageManifest finish(PackageManifest manifest) throws IOException {
        return finish(manifest, null);
    }

    /**
     * Like {@link #finish(PackageManifest)}, then writes {@code signer}'s signature of the manifest's
     * bytes as {@value PackageManifest#SIGNATURE}, the very last entry.
     *
     * @param signer central's package-signing key; null writes an unsigned archive
     */
    public PackageManifest finish(PackageManifest manifest, PackageSignature.Signer signer) throws IOException {
        Objects.requireNonNull(manifest, "manifest");
        ensureWritable();
        if (current != null) {
            throw new IllegalStateException("entry " + PackageArchive.quote(current.name)
                    + " is still open; close it before finish()");
        }
        PackageManifest complete = manifest.withEntries(written);
        if (complete.formatVersion() != PackageManifest.FORMAT_VERSION) {
            throw new IllegalArgumentException("this writer writes package format version "
                    + PackageManifest.FORMAT_VERSION + ", not " + complete.formatVersion());
        }
        String inconsistency = PackageArchive.consistencyProblem(complete, names);
        if (inconsistency != null) {
            throw new IllegalArgumentException(inconsistency);
        }
        byte[] json = complete.toJson().getBytes(StandardCharsets.UTF_8);
        try {
            PackageManifest.fromJson(json);
        } catch (PackageFormatException e) {
            throw new IllegalArgumentException("the manifest would not be readable: " + e.getMessage(), e);
        }
        try {
            zip.putNextEntry(new ZipEntry(PackageManifest.MANIFEST));
            zip.write(json);
            zip.closeEntry();
            if (signer != null) {
                zip.putNextEntry(new ZipEntry(PackageManifest.SIGNATURE));
                zip.write(signer.sign(json));
                zip.closeEntry();
            }
            zip.close();
        } catch (IOException | RuntimeException e) {
            broken = true;
            throw e;
        }
        finished = true;
        return complete;
    }

    /** Lower-case hex SHA-256 of the whole archive file; only after {@link #finish(PackageManifest)}. */
    public String archiveSha256() {
        if (!finished) {
            throw new IllegalStateException("the archive is not finished");
        }
        return java.util.HexFormat.of().formatHex(fileDigest.digest());
    }

    /** After {@link #finish(PackageManifest)}, nothing; otherwise closes and deletes the partial file. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (finished) {
            return;
        }
        try {
            zip.close();
        } catch (IOException | RuntimeException e) {
            // the file is deleted below; a failure to complete it does not matter
        }
        Files.deleteIfExists(path);
    }

    private void ensureWritable() {
        if (finished) {
            throw new IllegalStateException("the package is already finished");
        }
        if (closed) {
            throw new IllegalStateException("the package writer is closed");
        }
        if (broken) {
            throw new IllegalStateException("the package writer failed earlier; close it");
        }
    }

    /** The stream of the open entry. */
    private final class EntryStream extends OutputStream {
        private final String name;
        private final MessageDigest digest = PackageArchive.sha256();
        private long count;
        private boolean ended;

        EntryStream(String name) {
            this.name = name;
        }

        @Override
        public void write(int b) throws IOException {
            ensureOpen();
            try {
                zip.write(b);
            } catch (IOException | RuntimeException e) {
                broken = true;
                throw e;
            }
            digest.update((byte) b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            ensureOpen();
            if (len == 0) {
                return;
            }
            try {
                zip.write(b, off, len);
            } catch (IOException | RuntimeException e) {
                broken = true;
                throw e;
            }
            digest.update(b, off, len);
            count += len;
        }

        @Override
        public void flush() throws IOException {
            ensureOpen();
            zip.flush();
        }

        /** Ends the entry and records it. */
        @Override
        public void close() throws IOException {
            if (ended) {
                return;
            }
            ended = true;
            current = null;
            if (closed || broken) {
                return;
            }
            try {
                zip.closeEntry();
            } catch (IOException | RuntimeException e) {
                broken = true;
                throw e;
            }
            written.add(new PackageManifest.Entry(name, count, HexFormat.of().formatHex(digest.digest())));
        }

        private void ensureOpen() throws IOException {
            if (ended) {
                throw new IOException("entry " + PackageArchive.quote(name) + " is already closed");
            }
            if (closed) {
                throw new IOException("the package writer is closed");
            }
            if (broken) {
                throw new IOException("the package writer failed earlier");
            }
        }
    }
}
