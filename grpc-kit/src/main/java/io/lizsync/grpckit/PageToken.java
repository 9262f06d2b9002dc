package io.lizsync.grpckit;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Opaque keyset page tokens: the sort key of the last item of a page (a list of strings), in
 * base64url, tagged with the list it belongs to so a token of one list is refused by another (a
 * service's keyset lists: clone states, history, conflicts). A token over 1 000 characters is
 * refused unread.
 */
public final class PageToken {

    private static final String SEPARATOR = "\u001f";

    private PageToken() {
    }

    /** The token after an item whose sort key is {@code key}, for the list {@code list}. */
    public static String encode(String list, String... key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                (list + SEPARATOR + String.join(SEPARATOR, key)).getBytes(StandardCharsets.UTF_8));
    }

    /** The sort key in {@code token} (null for the first page); INVALID_ARGUMENT for a token of anything else. */
    public static List<String> decode(String list, String token, int parts) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        if (token.length() > 1000) {
            throw new IllegalArgumentException("page_token: not a page token of this list");
        }
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("page_token: not a page token of this list");
        }
        List<String> fields = List.of(text.split(SEPARATOR, -1));
        if (fields.size() != parts + 1 || !fields.get(0).equals(list)) {
            throw new IllegalArgumentException("page_token: not a page token of this list");
        }
        return fields.subList(1, fields.size());
    }

    /** A page size: {@code fallback} for 0, refused when negative, at most {@code max}. */
    public static int size(int asked, int fallback, int max) {
        if (asked < 0) {
            throw new IllegalArgumentException("page_size must not be negative");
        }
        return asked == 0 ? fallback : Math.min(asked, max);
    }
}
