package io.lizsync.files.service;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A validated media location: a project key and a path relative to the project's media folder.
 * Both are checked as text before any file system path is built from them.
 *
 * <p>The project key is one plain name. The path is one or more plain names joined by {@code /}
 * (the contract's example is {@code upload/photo-1.jpg}). A plain name is non-empty, at most 255
 * bytes of UTF-8, not {@code .} nor {@code ..}, and holds no {@code /}, no {@code \}, no NUL and
 * no other control character. So absolute paths ({@code /etc/passwd}), parent steps
 * ({@code ../x}, {@code a/../../x}), Windows separators ({@code a\b}, {@code C:\x}), empty steps
 * ({@code a//b}, {@code a/}) and NUL tricks are all refused.
 */
public record MediaPath(String projectKey, List<String> segments) {

    static final int MAX_NAME_BYTES = 255;
    static final int MAX_PATH_BYTES = 4096;

    public MediaPath {
        segments = List.copyOf(segments);
    }

    /** Validates both parts; {@link IllegalArgumentException} (INVALID_ARGUMENT) otherwise. */
    public static MediaPath of(String projectKey, String path) {
        return new MediaPath(projectKey(projectKey), relative("path", path));
    }

    /** A valid project key, or {@link IllegalArgumentException}. */
    public static String projectKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("project_key is required");
        }
        checkName("project_key", key);
        return key;
    }

    /** The path's steps, or {@link IllegalArgumentException}. */
    static List<String> relative(String field, String path) {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException(field + " is required");
        }
        if (path.startsWith("/")) {
            throw new IllegalArgumentException(field + " must be relative to the project's media folder, not absolute");
        }
        if (path.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            throw new IllegalArgumentException(field + " is longer than " + MAX_PATH_BYTES + " bytes");
        }
        List<String> steps = List.of(path.split("/", -1));
        for (String step : steps) {
            checkName(field, step);
        }
        return steps;
    }

    private static void checkName(String field, String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException(field + " has an empty step ('//' or a trailing '/')");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException(field + " must not contain '.' or '..' steps");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == '\\') {
                throw new IllegalArgumentException(field + " must not contain path separators here");
            }
            if (c == 0) {
                throw new IllegalArgumentException(field + " must not contain NUL characters");
            }
            if (c < 0x20 || c == 0x7f) {
                throw new IllegalArgumentException(field + " must not contain control characters");
            }
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException(field + " has a name longer than " + MAX_NAME_BYTES + " bytes");
        }
    }

    /** The path relative to the project's media folder, with {@code /} separators. */
    public String relative() {
        return String.join("/", segments);
    }

    /** Whether a relative path found on disk would pass validation (listings skip others). */
    public static boolean isValidRelative(String path) {
        try {
            relative("path", path);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
