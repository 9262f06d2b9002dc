package io.lizsync.qgis;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;

/**
 * The PostgreSQL layers a virtual layer embeds ({@code provider="virtual"}). QGIS writes its
 * definition as a URL query ({@code QgsVirtualLayerDefinition::toUrl}): {@code ?layer=<provider>:
 * <source>:<name>:<encoding>&query=…&uid=…}, the source and name percent-encoded, items joined by
 * {@code &}. Each {@code layer=postgres:…} item whose source points at central gets the clone's
 * connection ({@link DataSourceRewrite}); its name, encoding, the other items and the rest of the
 * string stay byte for byte. The rewritten source is percent-encoded the way the original was:
 * characters the original left as they are stay so, anything else outside {@code A-Z a-z 0-9 - . _ ~}
 * becomes {@code %XX} (upper-case, as Qt writes it). Pure.
 */
final class VirtualLayerSource {

    private static final String LAYER = "layer=postgres:";

    private VirtualLayerSource() {
    }

    /** The definition with its central layers rewritten, or null when none points at {@code central}. */
    static String rewrite(String definition, PgTarget central, PgTarget clone) {
        if (definition == null || !definition.contains(LAYER)) {
            return null;
        }
        int query = definition.indexOf('?');
        if (query < 0) {
            return null;
        }
        StringBuilder out = new StringBuilder(definition.length() + 32).append(definition, 0, query + 1);
        boolean changed = false;
        int start = query + 1;
        while (start <= definition.length()) {
            int amp = definition.indexOf('&', start);
            int end = amp < 0 ? definition.length() : amp;
            String item = definition.substring(start, end);
            String rewritten = item.startsWith(LAYER) ? layer(item, central, clone) : null;
            out.append(rewritten == null ? item : rewritten);
            changed |= rewritten != null;
            if (amp < 0) {
                break;
            }
            out.append('&');
            start = amp + 1;
        }
        return changed ? out.toString() : null;
    }

    /** One {@code layer=postgres:<source>:<name>:<encoding>} item rewritten, or null. */
    private static String layer(String item, PgTarget central, PgTarget clone) {
        String rest = item.substring(LAYER.length());
        int colon = rest.indexOf(':'); // the source is percent-encoded: its own colons are %3A
        if (colon < 0) {
            return null;
        }
        String encoded = rest.substring(0, colon);
        String source;
        try {
            source = decode(encoded);
        } catch (IllegalArgumentException malformed) {
            return null; // not QGIS's encoding: left alone
        }
        String out = DataSourceRewrite.rewrite(source, central, clone);
        return out == null ? null : LAYER + encode(out, kept(encoded)) + rest.substring(colon);
    }

    /** The characters the original source left unencoded (beyond the unreserved ones). */
    private static BitSet kept(String encoded) {
        BitSet kept = new BitSet(128);
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                i += 2;
            } else if (c < 128) {
                kept.set(c);
            }
        }
        kept.clear('%');
        kept.clear(':');
        kept.clear('&');
        return kept;
    }

    static String decode(String s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw new IllegalArgumentException("a cut %XX");
                }
                bytes.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(b, 0, b.length);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    static String encode(String s, BitSet kept) {
        StringBuilder out = new StringBuilder(s.length() * 3 / 2);
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '.' || c == '_' || c == '~' || kept.get(c))) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
