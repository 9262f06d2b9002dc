package io.lizsync.grpckit.tls;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * How a link to another LizSync process is secured, decided in one place for every client (the
 * sidecar to central and to packaging-service, the CLI to every service): TLS with the server's
 * certificate verified (host name included) whenever the link may leave this machine. Plain text
 * only for a link that stays on the machine (a loopback address, no CA file given), or when an
 * operator says so explicitly for a test bench ({@code insecurePlaintext}), which is logged as a
 * warning every time a channel is made.
 *
 * @param caFile            PEM file of the certificate authority (or the self-signed certificate)
 *                          to trust; absent: the JVM's trust store (public CAs)
 * @param insecurePlaintext plain text even to another machine: for tests only, never in production
 */
public record LinkSecurity(Optional<Path> caFile, boolean insecurePlaintext) {

    private static final Logger LOG = Logger.getLogger(LinkSecurity.class);

    /** What a link gets. */
    public enum Mode {
        /** TLS, the certificate checked against the CA file or the JVM's trust store. */
        TLS,
        /** Plain text on a loopback address: nothing leaves the machine. */
        PLAINTEXT_LOCAL,
        /** Plain text to another machine, because an operator asked for it (tests only). */
        PLAINTEXT_INSECURE
    }

    public LinkSecurity {
        caFile = caFile == null ? Optional.empty() : caFile;
    }

    /** The decision for a link to {@code host} (pure: no name is resolved). */
    public Mode mode(String host) {
        if (caFile.isPresent()) {
            return Mode.TLS;
        }
        if (isLoopback(host)) {
            return Mode.PLAINTEXT_LOCAL;
        }
        return insecurePlaintext ? Mode.PLAINTEXT_INSECURE : Mode.TLS;
    }

    /**
     * The channel credentials of a link to {@code host}; {@code what} names the link in the
     * warning of an insecure one and in the error of an unreadable CA file (e.g. "central
     * sync-service (LIZSYNC_SYNC_CENTRAL_CA_FILE)"): an IllegalStateException, a configuration the
     * caller is told about, not an internal error.
     */
    public ChannelCredentials credentials(String host, String what) {
        Mode mode = mode(host);
        switch (mode) {
            case PLAINTEXT_LOCAL:
                return InsecureChannelCredentials.create();
            case PLAINTEXT_INSECURE:
                LOG.warnf("INSECURE: the link to %s at %s is plain text (insecure plaintext switched on): anyone on"
                        + " the way can read and change it; for test benches only", what, host);
                return InsecureChannelCredentials.create();
            default:
                TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
                if (caFile.isPresent()) {
                    Path ca = caFile.get();
                    if (!Files.isReadable(ca)) {
                        throw new IllegalStateException("the CA file of " + what + " (" + ca + ") cannot be read");
                    }
                    try {
                        tls.trustManager(ca.toFile());
                    } catch (IOException e) {
                        throw new IllegalStateException("the CA file of " + what + " (" + ca + ") is not a PEM"
                                + " certificate: " + e.getMessage(), e);
                    }
                }
                return tls.build();
        }
    }

    /**
     * True for an address that cannot leave this machine: {@code localhost}, 127.0.0.0/8 and ::1
     * written as literals. Names are not resolved (a name that resolves to loopback today may not
     * tomorrow), so any other name counts as remote.
     */
    public static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")) {
            return true;
        }
        String[] parts = h.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals("127")) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }
}
