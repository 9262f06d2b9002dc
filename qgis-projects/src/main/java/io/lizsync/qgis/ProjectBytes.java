package io.lizsync.qgis;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Adapting one project held in memory: a QGIS XML document ({@code .qgs}, {@code .qlr},
 * {@code .qml}) or a {@code .qgz} archive, whose {@code .qgs} entry is rewritten and every other
 * entry (the {@code .qgd} auxiliary database, attachments) copied with the same content, method,
 * time and extra fields, in the same order. No file I/O: the folder walk and the
 * {@code qgis_projects} table use it alike.
 */
final class ProjectBytes {

    /** A project larger than this (or a {@code .qgs} entry inflating to more) is refused, not read. */
    static final long MAX_PROJECT_BYTES = 256L << 20;

    private ProjectBytes() {
    }

    /**
     * The outcome for one project: {@code bytes} null when nothing pointed at central.
     *
     * @param embeddedProjects the {@code project=} paths of embedded layers and groups, as written
     */
    record Outcome(byte[] bytes, int rewritten, List<String> embeddedProjects) {
        boolean changed() {
            return bytes != null;
        }
    }

    /** A project that cannot be adapted, with a reason for the report. */
    static final class BadProjectException extends Exception {
        BadProjectException(String reason) {
            super(reason);
        }
    }

    static Outcome adaptXml(byte[] xml, PgTarget central, PgTarget clone) throws BadProjectException {
        XmlDoc doc;
        try {
            doc = XmlDoc.parse(xml);
        } catch (XmlDoc.NotQgisXmlException e) {
            throw new BadProjectException(e.getMessage());
        }
        ProjectXmlAdapter adapter = new ProjectXmlAdapter(central, clone);
        adapter.adapt(doc);
        byte[] out = adapter.rewritten() == 0 ? null : doc.toBytes();
        return new Outcome(out, adapter.rewritten(), adapter.embeddedProjects());
    }

    static Outcome adaptQgz(byte[] archive, PgTarget central, PgTarget clone) throws BadProjectException {
        List<Entry> entries = readEntries(archive);
        Entry project = null;
        for (Entry e : entries) {
            if (e.entry.getName().toLowerCase(Locale.ROOT).endsWith(".qgs")) {
                if (project != null) {
                    throw new BadProjectException("bad archive: more than one .qgs entry (" + project.entry.getName()
                            + ", " + e.entry.getName() + ")");
                }
                project = e;
            }
        }
        if (project == null) {
            throw new BadProjectException("bad archive: no .qgs entry");
        }
        Outcome inner;
        try {
            inner = adaptXml(project.content, central, clone);
        } catch (BadProjectException e) {
            throw new BadProjectException("bad archive entry " + project.entry.getName() + ": " + e.getMessage());
        }
        if (!inner.changed()) {
            return inner;
        }
        return new Outcome(writeEntries(entries, project, inner.bytes()), inner.rewritten(), inner.embeddedProjects());
    }

    private record Entry(ZipEntry entry, byte[] content) {
    }

    private static List<Entry> readEntries(byte[] archive) throws BadProjectException {
        List<Entry> entries = new ArrayList<>();
        Set<String> names = new HashSet<>();
        long total = 0;
        try (ZipInputStream zin = new ZipInputStream(new ByteArrayInputStream(archive))) {
            ZipEntry e;
            while ((e = zin.getNextEntry()) != null) {
                String name = e.getName();
                if (name.startsWith("/") || name.startsWith("\\") || isTraversal(name)
                        || name.chars().anyMatch(c -> c < 0x20)) {
                    throw new BadProjectException("bad archive entry name: " + printable(name));
                }
                if (!names.add(name)) {
                    throw new BadProjectException("bad archive: entry " + printable(name) + " twice");
                }
                byte[] content = readBounded(zin, MAX_PROJECT_BYTES - total, name);
                total += content.length;
                entries.add(new Entry(e, content));
            }
        } catch (ZipException e) {
            throw new BadProjectException("bad archive: " + e.getMessage());
        } catch (IOException e) {
            throw new BadProjectException("bad archive: " + e.getMessage());
        }
        if (entries.isEmpty()) {
            throw new BadProjectException("bad archive: not a zip archive or no entry");
        }
        return entries;
    }

    private static boolean isTraversal(String name) {
        for (String segment : name.split("[/\\\\]")) {
            if (segment.equals("..")) {
                return true;
            }
        }
        return false;
    }

    private static String printable(String name) {
        StringBuilder sb = new StringBuilder();
        name.codePoints().forEach(c -> sb.append(c < 0x20 ? String.format("\\x%02x", c) : Character.toString(c)));
        return sb.toString();
    }

    private static byte[] readBounded(InputStream in, long limit, String name) throws IOException, BadProjectException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        long read = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            read += n;
            if (read > limit) {
                throw new BadProjectException("bad archive: entry " + printable(name) + " inflates beyond "
                        + (MAX_PROJECT_BYTES >> 20) + " MiB");
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private static byte[] writeEntries(List<Entry> entries, Entry project, byte[] projectBytes) throws BadProjectException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(projectBytes.length);
        try (ZipOutputStream zout = new ZipOutputStream(out)) {
            for (Entry e : entries) {
                byte[] content = e == project ? projectBytes : e.content;
                ZipEntry copy = new ZipEntry(e.entry.getName());
                copy.setMethod(e.entry.getMethod() == ZipEntry.STORED ? ZipEntry.STORED : ZipEntry.DEFLATED);
                if (e.entry.getLastModifiedTime() != null) {
                    copy.setLastModifiedTime(e.entry.getLastModifiedTime());
                } else if (e.entry.getTime() != -1) {
                    copy.setTime(e.entry.getTime());
                }
                if (e.entry.getExtra() != null) {
                    copy.setExtra(e.entry.getExtra());
                }
                if (e.entry.getComment() != null) {
                    copy.setComment(e.entry.getComment());
                }
                if (copy.getMethod() == ZipEntry.STORED) {
                    CRC32 crc = new CRC32();
                    crc.update(content);
                    copy.setSize(content.length);
                    copy.setCompressedSize(content.length);
                    copy.setCrc(crc.getValue());
                }
                zout.putNextEntry(copy);
                zout.write(content);
                zout.closeEntry();
            }
        } catch (IOException e) {
            throw new BadProjectException("bad archive: cannot be written back: " + e.getMessage());
        }
        return out.toByteArray();
    }
}
