package io.lizsync.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Set;

/**
 * Protection of cookie-authenticated writes against cross-site requests: a write (any method but
 * GET, HEAD, OPTIONS) authenticated by the session cookie must carry {@value #HEADER} with the
 * session's CSRF token, which the login answer (and the {@value SessionCookies#CSRF} cookie) gives.
 * The token is derived from the session token (SHA-256 with a label): only a page that read the
 * login answer or the cookie of the gateway's own origin knows it; nothing to store, the same on
 * every gateway replica and after a restart. Callers with an {@code Authorization} header are not
 * concerned (a browser never adds that header across sites).
 */
public final class Csrf {

    public static final String HEADER = "X-CSRF-Token";
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");
    private static final byte[] LABEL = "lizsync-csrf\0".getBytes(StandardCharsets.US_ASCII);

    private Csrf() {
    }

    /** The CSRF token of a session. */
    public static String tokenFor(String sessionToken) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(LABEL);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d.digest(sessionToken.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** True when a request of this method needs the CSRF header (a write). */
    public static boolean needsToken(String method) {
        return !SAFE.contains(method);
    }

    /** True when {@code presented} is the session's token (constant-time comparison). */
    public static boolean matches(String sessionToken, String presented) {
        if (presented == null || presented.isBlank()) {
            return false;
        }
        return MessageDigest.isEqual(tokenFor(sessionToken).getBytes(StandardCharsets.US_ASCII),
                presented.strip().getBytes(StandardCharsets.US_ASCII));
    }
}
