package io.lizsync.files.ftp;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Names that come from an FTP server (or go to one) and the local paths they may become. A remote
 * name is one path segment: empty, {@code .}, {@code ..}, anything with {@code /} or {@code \},
 * a control character, or a name of our own temporary files is refused, so no listing can make a
 * mirror write outside its folder. Pure functions.
 */
public final class SafeNames {

    private SafeNames() {
    }

    /** True when {@code s} holds a control character (C0, DEL or C1). */
    public static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                return true;
            }
        }
        return false;
    }

    /** Why a single name from a listing is refused; empty when it is safe. */
    public static Optional<String> refuse(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of("empty name");
        }
        if (name.equals(".") || name.equals("..")) {
            return Optional.of("name \"" + name + "\"");
        }
        if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
            return Optional.of("name with a path separator");
        }
        if (hasControl(name)) {
            return Optional.of("name with a control character");
        }
        if (name.indexOf(':') == 1 && Character.isLetter(name.charAt(0))) {
            return Optional.of("name with a drive letter");
        }
        return Optional.empty();
    }

    /**
     * The local file for a relative path ("a/b/c", "/" separators) under {@code root}.
     *
     * @throws IllegalArgumentException when a segment is refused ({@link #refuse}) or the result
     *         would not lie strictly under {@code root}
     */
    public static Path resolve(Path root, String relative) {
        if (relative.isEmpty() || relative.startsWith("/")) {
            throw new IllegalArgumentException("unsafe remote path: absolute or empty");
        }
        Path base = root.toAbsolutePath().normalize();
        Path out = base;
        for (String segment : relative.split("/", -1)) {
            Optional<String> why = refuse(segment);
            if (why.isPresent()) {
                throw new IllegalArgumentException("unsafe remote path: " + why.get());
            }
            out = out.resolve(segment);
        }
        out = out.normalize();
        if (!out.startsWith(base) || out.equals(base)) {
            throw new IllegalArgumentException("unsafe remote path: outside the target folder");
        }
        return out;
    }

    /**
     * A relative path given in a request (a sub-folder, a remote directory): "" or segments
     * joined by "/", each safe.
     *
     * @throws IllegalArgumentException otherwise (absolute, "..", control characters)
     */
    public static String relativeFolder(String value, String what) {
        String v = value == null ? "" : value.strip();
        while (v.endsWith("/")) {
            v = v.substring(0, v.length() - 1);
        }
        if (v.isEmpty()) {
            return "";
        }
        if (v.startsWith("/")) {
            throw new IllegalArgumentException(what + " must be relative to the configured folder");
        }
        for (String segment : v.split("/+")) {
            if (refuse(segment).isPresent()) {
                throw new IllegalArgumentException(what + " has an unsafe segment (\"..\", \".\", a separator or a control character)");
            }
        }
        return v.replaceAll("/+", "/");
    }

    /** Joins a remote directory and a relative path with one "/". */
    public static String join(String dir, String relative) {
        if (relative.isEmpty()) {
            return dir;
        }
        if (dir.isEmpty()) {
            return relative;
        }
        return dir.endsWith("/") ? dir + relative : dir + "/" + relative;
    }
}
