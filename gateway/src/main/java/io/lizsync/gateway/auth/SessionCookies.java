package io.lizsync.gateway.auth;

import jakarta.ws.rs.core.NewCookie;
import java.time.Duration;

/**
 * The cookies of a browser session: {@value #SESSION} holds the session token (HttpOnly: no
 * script reads it; SameSite=Strict: no other site's request carries it; Secure over HTTPS),
 * {@value #CSRF} the session's CSRF token for the dashboard's script (readable, same attributes
 * otherwise).
 */
public final class SessionCookies {

    public static final String SESSION = "lizsync_session";
    public static final String CSRF = "lizsync_csrf";

    private SessionCookies() {
    }

    /** The two cookies of a new session living {@code ttl}. */
    public static NewCookie[] open(String sessionToken, Duration ttl, boolean secure) {
        int maxAge = (int) Math.min(Integer.MAX_VALUE, Math.max(0, ttl.toSeconds()));
        return new NewCookie[] {cookie(SESSION, sessionToken, maxAge, secure, true),
            cookie(CSRF, Csrf.tokenFor(sessionToken), maxAge, secure, false)};
    }

    /** The two cookies expired (logout). */
    public static NewCookie[] close(boolean secure) {
        return new NewCookie[] {cookie(SESSION, "", 0, secure, true), cookie(CSRF, "", 0, secure, false)};
    }

    private static NewCookie cookie(String name, String value, int maxAge, boolean secure, boolean httpOnly) {
        return new NewCookie.Builder(name).value(value).path("/").maxAge(maxAge).secure(secure).httpOnly(httpOnly)
                .sameSite(NewCookie.SameSite.STRICT).build();
    }
}
