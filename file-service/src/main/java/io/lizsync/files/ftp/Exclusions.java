package io.lizsync.files.ftp;

import java.util.ArrayList;
import java.util.List;

/**
 * Which sub-folders a mirror leaves out, matched as whole path segments: {@code data} excludes
 * {@code data/x} and {@code a/data/x}, never {@code metadata/x} nor a file named {@code data.txt};
 * an exclusion with a {@code /} ({@code a/data}) matches that relative path from the mirrored
 * folder only. A pure function of relative paths ("/" separators).
 */
public final class Exclusions {

    /** No exclusion at all. */
    public static final Exclusions NONE = new Exclusions(List.of(), List.of());

    private final List<String> anywhere;
    private final List<List<String>> anchored;

    private Exclusions(List<String> anywhere, List<List<String>> anchored) {
        this.anywhere = anywhere;
        this.anchored = anchored;
    }

    /**
     * The exclusions of a request or of the configuration: each a folder name or a relative path
     * ({@code /} separators; leading and trailing {@code /} ignored).
     *
     * @throws IllegalArgumentException for an empty one, {@code .}, {@code ..} or a control character
     */
    public static Exclusions of(List<String> values) {
        List<String> anywhere = new ArrayList<>();
        List<List<String>> anchored = new ArrayList<>();
        for (String raw : values) {
            String v = raw == null ? "" : raw.strip();
            while (v.startsWith("/")) {
                v = v.substring(1);
            }
            while (v.endsWith("/")) {
                v = v.substring(0, v.length() - 1);
            }
            if (v.isEmpty()) {
                throw new IllegalArgumentException("an exclusion is empty");
            }
            List<String> segments = List.of(v.split("/+"));
            for (String s : segments) {
                if (s.equals(".") || s.equals("..") || SafeNames.hasControl(s)) {
                    throw new IllegalArgumentException("an exclusion names a folder with \".\", \"..\" or a control character");
                }
            }
            if (segments.size() == 1) {
                anywhere.add(segments.get(0));
            } else {
                anchored.add(segments);
            }
        }
        return new Exclusions(List.copyOf(anywhere), List.copyOf(anchored));
    }

    /** True when a folder at {@code relativeDir} ("a/b", no leading "/") is left out, with all it holds. */
    public boolean excludesDir(String relativeDir) {
        List<String> segments = List.of(relativeDir.split("/"));
        for (String s : segments) {
            if (anywhere.contains(s)) {
                return true;
            }
        }
        for (List<String> path : anchored) {
            if (segments.size() >= path.size() && segments.subList(0, path.size()).equals(path)) {
                return true;
            }
        }
        return false;
    }

    /** True when a file at {@code relativeFile} lies inside an excluded folder. */
    public boolean excludesFile(String relativeFile) {
        int slash = relativeFile.lastIndexOf('/');
        return slash > 0 && excludesDir(relativeFile.substring(0, slash));
    }

    /** For reports: the exclusions as given. */
    @Override
    public String toString() {
        List<String> all = new ArrayList<>(anywhere);
        anchored.forEach(p -> all.add(String.join("/", p)));
        return all.isEmpty() ? "none" : String.join(", ", all);
    }
}
