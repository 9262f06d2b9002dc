package io.lizsync.sql.pkg;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads and checks a package ZIP from disk. Nothing is ever extracted to disk by entry name: entries
 * are only handed out as streams, by the names the manifest lists.
 *
 * <p>{@link #open(Path, Limits)} checks the structure from the ZIP central directory without
 * inflating any data entry (only {@value PackageManifest#MANIFEST} is read):
 * <ul>
 * <li>the file is a readable ZIP (a truncated or corrupt file is refused);</li>
 * <li>at most {@link Limits#maxEntries()} entries, counting {@value PackageManifest#MANIFEST};</li>
 * <li>every entry name is safe (see below), no directory entry, no duplicate name, only STORED or
 * DEFLATED entries;</li>
 * <li>each declared uncompressed size is at most {@link Limits#maxEntryBytes()} and their sum at most
 * {@link Limits#maxTotalBytes()};</li>
 * <li>the compression ratio (declared uncompressed size / compressed size) of an entry is at most
 * {@link Limits#maxRatio()}, but only for entries whose compressed size exceeds
 * {@link #RATIO_MIN_COMPRESSED_BYTES} (64 KiB). DEFLATE cannot expand data by more than about
 * 1032:1, so an entry under that threshold yields at most about 64 MiB whatever its ratio, which is
 * harmless, while a classic bomb (hundreds of MiB of zeros in a few hundred KiB, about 1000:1) is
 * refused. COPY text of real tables, even repetitive rows, compresses far below 200:1 (short rows
 * with a counter about 6:1, rows of constant values about 25:1); only tables whose rows are long
 * identical texts (thousands of equal characters per row) come near it, and need a higher limit;</li>
 * <li>the compressed sizes together fit in the file (entries sharing compressed data, as in
 * overlapping-entry bombs, are refused);</li>
 * <li>when a {@link PackageSignature.Verifier} is given (a clone about to deploy), the manifest's
 * bytes are signed by its key ({@value PackageManifest#SIGNATURE}), checked before the manifest is
 * even parsed;</li>
 * <li>the manifest is present, parses, has format version {@link PackageManifest#FORMAT_VERSION},
 * lists only safe names, lists every entry of the ZIP except itself and its signature and nothing
 * else, with the sizes the ZIP directory declares; the tables' data entries and
 * {@value PackageManifest#ADDITIONAL_SQL} (when announced) are listed.</li>
 * </ul>
 *
 * <p>The sizes of a ZIP directory can lie. This is why {@link #open(String)} does not trust them:
 * its stream counts the inflated bytes and fails as soon as more than the manifest's size come out,
 * so at most {@code size + 1} bytes of any entry are ever inflated, and the SHA-256 and exact size are
 * checked at end of stream, always: those checksums are what ties the entries to the signed
 * manifest. Content is therefore only known to be intact once it has been read to the end (or
 * {@link #verifyAll()} has passed).
 *
 * <p>Entry names (same rules as {@link PackageArchiveWriter}): not empty, at most
 * {@value #MAX_NAME_LENGTH} characters, no control character, not ending with {@code /} (directory),
 * not absolute ({@code /x}, {@code \x}, {@code C:...}), no backslash, and no empty, {@code .} or
 * {@code ..} path segment.
 *
 * <p>{@link #open(String)} may be called from several threads at once.
 */
public final class PackageArchive implements Closeable {

    /** Entries compressed to at most this many bytes are not subject to the ratio limit. */
    public static final long RATIO_MIN_COMPRESSED_BYTES = 64L * 1024;
    /** Longest accepted entry name, in characters. */
    public static final int MAX_NAME_LENGTH = 255;
    /** Largest accepted {@value PackageManifest#MANIFEST}, in bytes. */
    public static final long MAX_MANIFEST_BYTES = 64L * 1024 * 1024;

    private static final int BUFFER = 64 * 1024;
    private static final int QUOTE_MAX_CHARS = 120;

    /**
     * Limits applied when opening a package.
     *
     * @param maxTotalBytes sum of the uncompressed sizes of all entries
     * @param maxEntryBytes uncompressed size of one entry
     * @param maxEntries    number of entries in the ZIP, {@value PackageManifest#MANIFEST} included
     * @param maxRatio      uncompressed / compressed size of one entry whose compressed size exceeds
     *                      {@link PackageArchive#RATIO_MIN_COMPRESSED_BYTES}
     */
    public record Limits(long maxTotalBytes, long maxEntryBytes, int maxEntries, int maxRatio) {

        /** Refuses limits that are not positive. */
        public Limits {
            if (maxTotalBytes <= 0 || maxEntryBytes <= 0 || maxEntries <= 0 || maxRatio <= 0) {
                throw new IllegalArgumentException("package limits must be positive: " + maxTotalBytes + ", "
                        + maxEntryBytes + ", " + maxEntries + ", " + maxRatio);
            }
        }

        /** 64 GiB in total, 32 GiB per entry, 10 000 entries, ratio 200:1. */
        public static Limits defaults() {
            return new Limits(64L << 30, 32L << 30, 10_000, 200);
        }
    }

    private final ZipFile zip;
    private final PackageManifest manifest;
    private final byte[] manifestBytes;
    private final Map<String, ZipEntry> zipEntries;
    private final Map<String, PackageManifest.Entry> listed;
    private final String signedBy;
    private volatile boolean closed;

    private PackageArchive(ZipFile zip, PackageManifest manifest, byte[] manifestBytes,
            Map<String, ZipEntry> zipEntries, Map<String, PackageManifest.Entry> listed, String signedBy) {
        this.zip = zip;
        this.manifest = manifest;
        this.manifestBytes = manifestBytes;
        this.zipEntries = zipEntries;
        this.listed = listed;
        this.signedBy = signedBy;
    }

    /**
     * Opens {@code zip} and checks its structure and manifest (see the class description), not its
     * signature: for tools and tests that look into packages. {@link PackageDeployer} deploys only
     * archives opened with {@link #open(Path, Limits, PackageSignature.Verifier)}.
     *
     * @throws PackageFormatException when the package is refused; the message names the problem and
     *                                the entry
     * @throws IOException            when the file cannot be read at all (missing, no permission, ...)
     */
    public static PackageArchive open(Path zip, Limits limits) throws PackageFormatException, IOException {
        return read(zip, limits, null);
    }

    /**
     * Opens {@code zip}, checks that its manifest is signed by {@code verifier}'s key, then its
     * structure and manifest (see the class description). Data entries are not read.
     *
     * @throws PackageFormatException when the package is refused (unsigned, signed by another key, a
     *                                manifest changed after signing, or any structural problem); the
     *                                message names the problem and the entry
     * @throws IOException            when the file cannot be read at all (missing, no permission, ...)
     */
    public static PackageArchive open(Path zip, Limits limits, PackageSignature.Verifier verifier)
            throws PackageFormatException, IOException {
        return read(zip, limits, Objects.requireNonNull(verifier, "verifier"));
    }

    private static PackageArchive read(Path zip, Limits limits, PackageSignature.Verifier verifier)
            throws PackageFormatException, IOException {
        Objects.requireNonNull(zip, "zip");
        Objects.requireNonNull(limits, "limits");
        long fileSize = Files.size(zip);
        ZipFile file;
        try {
            file = new ZipFile(zip.toFile());
        } catch (ZipException | IllegalArgumentException e) {
            throw new PackageFormatException("not a readable package ZIP: " + e.getMessage(), e);
        }
        boolean ok = false;
        try {
            PackageArchive archive = check(file, fileSize, limits, verifier);
            ok = true;
            return archive;
        } finally {
            if (!ok) {
                file.close();
            }
        }
    }

    private static PackageArchive check(ZipFile file, long fileSize, Limits limits, PackageSignature.Verifier verifier)
            throws PackageFormatException, IOException {
        int count = file.size();
        if (count > limits.maxEntries()) {
            throw new PackageFormatException("package has too many entries: " + count + " (limit "
                    + limits.maxEntries() + ")");
        }
        Map<String, ZipEntry> byName = new LinkedHashMap<>();
        long totalSize = 0;
        long totalCompressed = 0;
        try {
            Enumeration<? extends ZipEntry> all = file.entries();
            while (all.hasMoreElements()) {
                ZipEntry entry = all.nextElement();
                checkZipEntry(entry, byName, limits);
                totalSize += entry.getSize();
                if (totalSize > limits.maxTotalBytes()) {
                    throw new PackageFormatException("package is too large: more than " + limits.maxTotalBytes()
                            + " bytes uncompressed (limit reached at entry " + quote(entry.getName()) + ")");
                }
                totalCompressed += entry.getCompressedSize();
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new PackageFormatException("not a readable package ZIP: " + e.getMessage(), e);
        }
        if (byName.size() > limits.maxEntries()) {
            throw new PackageFormatException("package has too many entries: " + byName.size() + " (limit "
                    + limits.maxEntries() + ")");
        }
        if (totalCompressed > fileSize) {
            throw new PackageFormatException("not a readable package ZIP: the entries claim " + totalCompressed
                    + " compressed bytes but the file holds " + fileSize + " bytes (overlapping entries?)");
        }

        ZipEntry manifestEntry = byName.get(PackageManifest.MANIFEST);
        if (manifestEntry == null) {
            throw new PackageFormatException("package has no " + PackageManifest.MANIFEST);
        }
        byte[] manifestBytes = readSmall(file, manifestEntry, PackageManifest.MANIFEST, MAX_MANIFEST_BYTES);
        if (verifier != null) {
            // Before parsing: nothing of an unsigned manifest is interpreted.
            ZipEntry signatureEntry = byName.get(PackageManifest.SIGNATURE);
            verifier.verify(manifestBytes, signatureEntry == null ? null
                    : readSmall(file, signatureEntry, PackageManifest.SIGNATURE, PackageSignature.MAX_ENTRY_BYTES));
        }
        PackageManifest manifest = PackageManifest.fromJson(manifestBytes);

        Map<String, PackageManifest.Entry> listed = new LinkedHashMap<>();
        for (PackageManifest.Entry entry : manifest.entries()) {
            String name = entry.name();
            String problem = unsafeNameReason(name);
            if (problem != null) {
                throw new PackageFormatException("manifest lists an unsafe entry name " + quote(name) + ": " + problem);
            }
            if (PackageManifest.MANIFEST.equals(name) || PackageManifest.SIGNATURE.equals(name)) {
                throw new PackageFormatException("manifest lists " + name + " among its entries");
            }
            if (listed.putIfAbsent(name, entry) != null) {
                throw new PackageFormatException("manifest lists entry " + quote(name) + " twice");
            }
            ZipEntry inZip = byName.get(name);
            if (inZip == null) {
                throw new PackageFormatException("entry " + quote(name)
                        + " is listed in the manifest but missing from the package");
            }
            if (inZip.getSize() != entry.size()) {
                throw new PackageFormatException("entry " + quote(name) + " is " + inZip.getSize()
                        + " bytes in the ZIP directory but " + entry.size() + " bytes in the manifest");
            }
        }
        for (String name : byName.keySet()) {
            if (!PackageManifest.MANIFEST.equals(name) && !PackageManifest.SIGNATURE.equals(name)
                    && !listed.containsKey(name)) {
                throw new PackageFormatException("entry " + quote(name) + " is not listed in the manifest");
            }
        }
        String inconsistency = consistencyProblem(manifest, listed.keySet());
        if (inconsistency != null) {
            throw new PackageFormatException(inconsistency);
        }
        return new PackageArchive(file, manifest, manifestBytes, Collections.unmodifiableMap(byName),
                Collections.unmodifiableMap(listed), verifier == null ? null : verifier.keyId());
    }

    private static void checkZipEntry(ZipEntry entry, Map<String, ZipEntry> byName, Limits limits)
            throws PackageFormatException {
        String name = entry.getName();
        String problem = unsafeNameReason(name);
        if (problem != null) {
            throw new PackageFormatException("unsafe entry name " + quote(name) + ": " + problem);
        }
        if (byName.putIfAbsent(name, entry) != null) {
            throw new PackageFormatException("duplicate entry " + quote(name));
        }
        int method = entry.getMethod();
        if (method != ZipEntry.STORED && method != ZipEntry.DEFLATED) {
            throw new PackageFormatException("entry " + quote(name) + " uses unsupported compression method "
                    + method + " (only stored and deflated)");
        }
        long size = entry.getSize();
        long compressed = entry.getCompressedSize();
        if (size < 0 || compressed < 0) {
            throw new PackageFormatException("entry " + quote(name) + " has no size in the ZIP directory");
        }
        if (size > limits.maxEntryBytes()) {
            throw new PackageFormatException("entry " + quote(name) + " is too large: " + size + " bytes (limit "
                    + limits.maxEntryBytes() + ")");
        }
        if (method == ZipEntry.STORED && size != compressed) {
            throw new PackageFormatException("entry " + quote(name) + " is stored but its sizes differ ("
                    + size + " and " + compressed + " bytes)");
        }
        // compressed <= file size and maxRatio is an int: the product cannot overflow.
        if (compressed > RATIO_MIN_COMPRESSED_BYTES && size > compressed * limits.maxRatio()) {
            throw new PackageFormatException("entry " + quote(name) + " expands too much: " + size + " bytes from "
                    + compressed + " compressed bytes (ratio " + size / compressed + ":1, limit "
                    + limits.maxRatio() + ":1); refusing a likely zip bomb");
        }
    }

    private static byte[] readSmall(ZipFile file, ZipEntry entry, String name, long max)
            throws PackageFormatException, IOException {
        long declared = entry.getSize();
        if (declared > max) {
            throw new PackageFormatException(name + " is too large: " + declared + " bytes (limit " + max + ")");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(declared, BUFFER));
        CRC32 crc = new CRC32();
        try (InputStream in = file.getInputStream(entry)) {
            byte[] buffer = new byte[BUFFER];
            long total = 0;
            while (true) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, declared - total + 1));
                if (n < 0) {
                    break;
                }
                total += n;
                if (total > declared) {
                    throw new PackageFormatException(name + " holds more than the " + declared
                            + " bytes the ZIP directory declares");
                }
                out.write(buffer, 0, n);
                crc.update(buffer, 0, n);
            }
            if (total != declared) {
                throw new PackageFormatException(name + " holds " + total + " bytes but the ZIP directory declares "
                        + declared);
            }
        } catch (ZipException | EOFException e) {
            throw new PackageFormatException(name + " cannot be read: " + e.getMessage(), e);
        }
        if (entry.getCrc() != -1 && entry.getCrc() != crc.getValue()) {
            throw new PackageFormatException(name + " is corrupt (CRC mismatch)");
        }
        return out.toByteArray();
    }

    /**
     * Id of the key whose signature of the manifest was checked when the archive was opened, or null
     * when it was opened without checking it.
     */
    public String signedBy() {
        return signedBy;
    }

    /** The manifest read by {@link #open(Path, Limits)}. */
    public PackageManifest manifest() {
        return manifest;
    }

    /**
     * A stream of the entry {@code entryName}, which must be listed in the manifest (or be
     * {@value PackageManifest#MANIFEST}, whose bytes were already read). The stream fails with an
     * IOException naming the entry as soon as more bytes come than the manifest's size, and at end of
     * stream when the byte count or the SHA-256 differ from the manifest
     * ({@code "entry X was changed after packaging (checksum mismatch)"}). Corrupt compressed data
     * also fails with a message naming the entry. Close it when done.
     *
     * @throws IOException when the name is not in the package, the archive is closed, or the entry
     *                     cannot be opened
     */
    public InputStream open(String entryName) throws IOException {
        ensureOpen();
        if (PackageManifest.MANIFEST.equals(entryName)) {
            return new ByteArrayInputStream(manifestBytes);
        }
        PackageManifest.Entry expected = listed.get(entryName);
        if (expected == null) {
            throw new IOException("package has no entry " + quote(entryName));
        }
        InputStream raw;
        try {
            raw = zip.getInputStream(zipEntries.get(entryName));
        } catch (ZipException e) {
            throw new EntryCheckException("entry " + quote(entryName) + " cannot be read: " + e.getMessage(), e);
        } catch (IllegalStateException e) {
            throw new IOException("package archive is closed", e);
        }
        return new CheckedEntryStream(raw, expected);
    }

    /**
     * Reads every entry listed in the manifest once through {@link #open(String)}, to the end, so that
     * every size and checksum is checked.
     *
     * @throws PackageFormatException naming the first bad entry
     * @throws IOException            on a read error of the file itself
     */
    public void verifyAll() throws PackageFormatException, IOException {
        byte[] buffer = new byte[BUFFER];
        for (PackageManifest.Entry entry : manifest.entries()) {
            try (InputStream in = open(entry.name())) {
                while (in.read(buffer) >= 0) {
                    // read to the end: the stream checks size and checksum
                }
            } catch (EntryCheckException e) {
                throw new PackageFormatException(e.getMessage(), e);
            }
        }
    }

    /** Closes the ZIP file; streams still open fail afterwards. */
    @Override
    public void close() throws IOException {
        closed = true;
        zip.close();
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("package archive is closed");
        }
    }

    // ---- shared with PackageArchiveWriter ----

    /**
     * Why {@code name} is not an acceptable entry name, or null when it is.
     */
    static String unsafeNameReason(String name) {
        if (name == null) {
            return "no name";
        }
        if (name.isEmpty()) {
            return "empty name";
        }
        if (name.length() > MAX_NAME_LENGTH) {
            return "name longer than " + MAX_NAME_LENGTH + " characters";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c)) {
                return String.format(Locale.ROOT, "control character U+%04X in the name", (int) c);
            }
        }
        if (name.endsWith("/")) {
            return "directory entries are not allowed";
        }
        if (name.startsWith("/") || name.startsWith("\\")) {
            return "absolute path";
        }
        if (name.length() >= 2 && name.charAt(1) == ':' && isAsciiLetter(name.charAt(0))) {
            return "absolute path (drive letter)";
        }
        if (name.indexOf('\\') >= 0) {
            return "backslash in the name";
        }
        for (String segment : name.split("/", -1)) {
            if (segment.isEmpty()) {
                return "empty path segment";
            }
            if (segment.equals(".")) {
                return "\".\" path segment";
            }
            if (segment.equals("..")) {
                return "\"..\" path segment";
            }
        }
        return null;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /**
     * {@code text} in double quotes, printable: backslash, double quote and control characters are
     * escaped Java-style, and text longer than {@value #QUOTE_MAX_CHARS} characters is cut.
     */
    static String quote(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), QUOTE_MAX_CHARS) + 8).append('"');
        int limit = Math.min(text.length(), QUOTE_MAX_CHARS);
        for (int i = 0; i < limit; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
        if (text.length() > limit) {
            out.append("... (").append(text.length()).append(" characters)");
        }
        return out.toString();
    }

    /**
     * What makes {@code manifest} inconsistent with the entry names it lists, or null: a table's data
     * entry that is not listed or shared by two tables, additional SQL announced but not listed.
     */
    static String consistencyProblem(PackageManifest manifest, Collection<String> names) {
        Map<String, PackageManifest.Table> byEntry = new HashMap<>();
        for (PackageManifest.Table table : manifest.tables()) {
            String data = table.dataEntry();
            if (data == null) {
                continue;
            }
            String what = "table " + quote(table.schema()) + "." + quote(table.table());
            if (!names.contains(data)) {
                return what + " refers to data entry " + quote(data) + ", which the manifest does not list";
            }
            PackageManifest.Table other = byEntry.putIfAbsent(data, table);
            if (other != null) {
                return what + " and table " + quote(other.schema()) + "." + quote(other.table())
                        + " share the data entry " + quote(data);
            }
        }
        if (manifest.hasAdditionalSql() && !names.contains(PackageManifest.ADDITIONAL_SQL)) {
            return "manifest announces additional SQL but does not list the entry "
                    + quote(PackageManifest.ADDITIONAL_SQL);
        }
        return null;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime has no SHA-256", e);
        }
    }

    /** A check of an entry's content failed (as opposed to an I/O error of the file). */
    static final class EntryCheckException extends IOException {
        private static final long serialVersionUID = 1L;

        EntryCheckException(String message) {
            super(message);
        }

        EntryCheckException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Counts and hashes what it hands out; never asks the inflater for more than one byte past the
     * manifest's size.
     */
    private static final class CheckedEntryStream extends InputStream {
        private final InputStream in;
        private final PackageManifest.Entry expected;
        private final MessageDigest digest;
        private long count;
        private boolean done;
        private EntryCheckException failure;

        CheckedEntryStream(InputStream in, PackageManifest.Entry expected) {
            this.in = in;
            this.expected = expected;
            this.digest = sha256();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n;
            do {
                n = read(one, 0, 1);
            } while (n == 0);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (failure != null) {
                throw failure;
            }
            if (done) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            long remaining = expected.size() - count;
            int ask = (int) Math.min(len, remaining + 1);
            int n;
            try {
                n = in.read(b, off, ask);
            } catch (ZipException | EOFException e) {
                throw fail("entry " + quote(expected.name()) + " is corrupt: " + e.getMessage(), e);
            }
            if (n < 0) {
                done = true;
                if (count != expected.size()) {
                    throw fail("entry " + quote(expected.name()) + " was changed after packaging (size mismatch: "
                            + count + " bytes, the manifest says " + expected.size() + ")", null);
                }
                byte[] want = HexFormat.of().parseHex(expected.sha256());
                if (!MessageDigest.isEqual(digest.digest(), want)) {
                    throw fail("entry " + quote(expected.name())
                            + " was changed after packaging (checksum mismatch)", null);
                }
                return -1;
            }
            count += n;
            if (count > expected.size()) {
                throw fail("entry " + quote(expected.name()) + " holds more than the " + expected.size()
                        + " bytes listed in the manifest; reading stopped", null);
            }
            digest.update(b, off, n);
            return n;
        }

        private EntryCheckException fail(String message, Throwable cause) {
            failure = new EntryCheckException(message, cause);
            return failure;
        }

        @Override
        public int available() throws IOException {
            if (failure != null || done) {
                return 0;
            }
            return (int) Math.min(in.available(), expected.size() - count);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
