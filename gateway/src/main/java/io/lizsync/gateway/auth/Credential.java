package io.lizsync.gateway.auth;

import java.util.Locale;
import java.util.Optional;

/**
 * What a REST caller presented, classified without trusting it: an access token (a JWT the
 * registry signed, verified here), an API token ({@code lzt_}, exchanged at the registry) or a
 * login session ({@code lzs_}, from the {@code Authorization} header or the session cookie). The
 * header wins over the cookie. {@link #toString()} never shows the secret.
 */
public record Credential(Kind kind, String secret, boolean fromCookie) {

    /** The kinds of credential the gateway accepts. */
    public enum Kind { ACCESS_TOKEN, API_TOKEN, SESSION }

    static final String API_TOKEN_PREFIX = "lzt_";
    static final String SESSION_PREFIX = "lzs_";
    /** Longer than any credential the registry issues: refused before anything parses it. */
    static final int MAX_LENGTH = 4096;

    @Override
    public String toString() {
        return "Credential[" + kind + (fromCookie ? ", cookie" : ", header") + "]";
    }

    /**
     * The caller's credential, or empty when it presented none.
     *
     * @throws IllegalArgumentException when what it presented is not a credential the gateway accepts
     *                                  (the message says what is wrong, never echoes the value)
     */
    public static Optional<Credential> of(String authorizationHeader, String sessionCookie) {
        if (authorizationHeader != null && !authorizationHeader.isBlank()) {
            String h = authorizationHeader.strip();
            int space = h.indexOf(' ');
            if (space < 0 || !h.substring(0, space).toLowerCase(Locale.ROOT).equals("bearer")) {
                throw new IllegalArgumentException("the Authorization header must be \"Bearer <token>\"");
            }
            return Optional.of(classify(h.substring(space + 1).strip(), false));
        }
        if (sessionCookie != null && !sessionCookie.isBlank()) {
            Credential c = classify(sessionCookie.strip(), true);
            if (c.kind() != Kind.SESSION) {
                throw new IllegalArgumentException("the session cookie does not hold a session");
            }
            return Optional.of(c);
        }
        return Optional.empty();
    }

    private static Credential classify(String token, boolean fromCookie) {
        if (token.isEmpty() || token.length() > MAX_LENGTH || !printableAscii(token)) {
            throw new IllegalArgumentException("the bearer token is empty, too long or not printable ASCII");
        }
        if (token.startsWith(API_TOKEN_PREFIX)) {
            return new Credential(Kind.API_TOKEN, token, fromCookie);
        }
        if (token.startsWith(SESSION_PREFIX)) {
            return new Credential(Kind.SESSION, token, fromCookie);
        }
        if (token.chars().filter(c -> c == '.').count() == 2) {
            return new Credential(Kind.ACCESS_TOKEN, token, fromCookie);
        }
        throw new IllegalArgumentException("unrecognised bearer token: give an API token (lzt_…), a session (lzs_…) "
                + "or an access token");
    }

    private static boolean printableAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }
}
