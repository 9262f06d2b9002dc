package io.lizsync.cli;

import io.lizsync.grpckit.tls.LinkSecurity;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the gateway is and how the link is checked: its base URL ({@code https://host:port}) and
 * the CA file its certificate must chain to (absent: the JVM's trust store). Plain http is taken
 * for a loopback address only, or with {@code LIZSYNC_INSECURE_PLAINTEXT=true} (test benches), as
 * the gRPC links do (grpc-kit LinkSecurity).
 */
record GatewayTarget(URI base, Optional<Path> caFile) {

    static GatewayTarget of(String url, Optional<Path> caFile, boolean insecurePlaintext) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new UsageException("gateway: '" + url + "' is not a URL (expected https://HOST:PORT)");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
            throw new UsageException("gateway: '" + url + "' is not an http(s) URL (expected https://HOST:PORT)");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new UsageException("gateway: '" + url + "' must be a base URL, without user, query or fragment");
        }
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        if (scheme.equals("http") && !LinkSecurity.isLoopback(host) && !insecurePlaintext) {
            throw new UsageException("gateway: plain http to " + uri.getHost() + " would send your credentials in clear;"
                    + " use https (LIZSYNC_CA_FILE for your own CA)");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
        return new GatewayTarget(URI.create(scheme + "://" + uri.getRawAuthority() + path), caFile);
    }

    /** {@code path} (starting with /api/...) under the base URL. */
    URI resolve(String path) {
        return URI.create(base + path);
    }
}
