package io.lizsync.files.ftp;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The files of one side of a mirror (excluded folders and temporary part files left out), its
 * folders, the entries refused for their name (never transferred, reported as failed), and the
 * part files of earlier interrupted transfers (relative path → length).
 */
public record Listing(Map<String, FileEntry> files, Set<String> dirs, List<Refused> refused, Map<String, Long> parts) {

    /** An empty listing (a folder that does not exist yet). */
    static Listing empty() {
        return new Listing(Map.of(), Set.of(), List.of(), Map.of());
    }

    /** An entry refused, with a printable form of its path. */
    public record Refused(String path, String reason) {
    }

    /** A printable form of a name for reports: control characters as "?". */
    static String printable(String parent, String name) {
        String n = name == null ? "" : name.replaceAll("[\\p{Cntrl}\\u0080-\\u009f]", "?");
        return parent.isEmpty() ? n : parent + "/" + n;
    }
}
