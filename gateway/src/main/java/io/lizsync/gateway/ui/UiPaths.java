package io.lizsync.gateway.ui;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Where the dashboard sends a browser: the login page with the page asked for, and back to that
 * page after the login, only ever to one of the dashboard's own pages (an open redirect through
 * {@code next} would let another site send a user anywhere under the gateway's name).
 */
public final class UiPaths {

    public static final String HOME = "/ui/";
    public static final String LOGIN = "/ui/login";
    public static final String PROJECTS = "/ui/projects";

    private UiPaths() {
    }

    /** {@code next} when it is a local dashboard page (path and query only), otherwise the overview. */
    public static String safeNext(String next) {
        if (next == null || next.length() > 2000 || !next.startsWith("/ui/") || next.startsWith(LOGIN)) {
            return HOME;
        }
        for (int i = 0; i < next.length(); i++) {
            char c = next.charAt(i);
            if (c < 0x21 || c > 0x7e || c == '\\') {
                return HOME;
            }
        }
        String path = next.contains("?") ? next.substring(0, next.indexOf('?')) : next;
        if (path.contains("//") || path.contains("/../") || path.endsWith("/..") || path.contains("/./")
                || path.toLowerCase(java.util.Locale.ROOT).contains("%2f") || path.contains("%5c") || path.contains("%5C")
                || path.contains("%2e") || path.contains("%2E") || next.contains("#")) {
            return HOME;
        }
        return next;
    }

    /** The login page that returns to {@code pathAndQuery} once logged in. */
    public static String loginFor(String pathAndQuery) {
        return LOGIN + "?next=" + URLEncoder.encode(safeNext(pathAndQuery), StandardCharsets.UTF_8).replace("%2F", "/");
    }
}
