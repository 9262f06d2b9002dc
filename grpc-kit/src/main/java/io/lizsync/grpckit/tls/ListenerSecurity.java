package io.lizsync.grpckit.tls;

import java.util.Optional;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The server side of {@link LinkSecurity}: a service that listens where other machines can reach
 * it serves TLS only, or does not start. Checked at start-up from the service's configuration
 * (the Quarkus HTTP server carries gRPC as well): {@code quarkus.http.host}, a certificate
 * ({@code quarkus.http.ssl.certificate.files} and {@code .key-files}, or a TLS registry key store)
 * and {@code quarkus.http.insecure-requests=disabled} (no plain-text port beside it).
 * {@code lizsync.insecure-plaintext=true} lets it start without, loudly, for test benches only.
 */
public final class ListenerSecurity {

    private static final Logger LOG = Logger.getLogger(ListenerSecurity.class);

    /** The switch that lets a service listen in plain text beyond loopback (tests only). */
    public static final String INSECURE_SWITCH = "lizsync.insecure-plaintext";

    private ListenerSecurity() {
    }

    /** Why the listener as configured is refused, or empty when it may start (pure). */
    public static Optional<String> refusal(String host, boolean certificate, String insecureRequests, boolean insecure) {
        boolean tlsOnly = certificate && "disabled".equalsIgnoreCase(insecureRequests);
        if (tlsOnly || LinkSecurity.isLoopback(host) || insecure) {
            return Optional.empty();
        }
        String what = certificate ? "also serves plain text (quarkus.http.insecure-requests is not disabled)"
                : "has no certificate";
        return Optional.of("this service listens on " + host + ", where other machines can reach it, and " + what
                + ": give it a certificate and key (QUARKUS_HTTP_SSL_CERTIFICATE_FILES, QUARKUS_HTTP_SSL_CERTIFICATE_KEY_FILES)"
                + " with QUARKUS_HTTP_INSECURE_REQUESTS=disabled, or listen on 127.0.0.1"
                + " (LIZSYNC_INSECURE_PLAINTEXT=true starts it in plain text anyway: test benches only)");
    }

    /**
     * Checks the running service's configuration ({@code config} looks a key up); throws when the
     * listener is refused, warns when it runs in plain text beyond loopback by the switch.
     */
    public static void check(Function<String, Optional<String>> config) {
        String host = config.apply("quarkus.http.host").orElse("0.0.0.0");
        boolean certificate = config.apply("quarkus.http.ssl.certificate.files").isPresent()
                || config.apply("quarkus.http.ssl.certificate.key-store-file").isPresent()
                || config.apply("quarkus.http.tls-configuration-name").isPresent();
        String insecureRequests = config.apply("quarkus.http.insecure-requests").orElse("enabled");
        boolean insecure = config.apply(INSECURE_SWITCH).map(Boolean::parseBoolean).orElse(false);
        Optional<String> refused = refusal(host, certificate, insecureRequests, insecure);
        if (refused.isPresent()) {
            throw new IllegalStateException(refused.get());
        }
        if (insecure && !LinkSecurity.isLoopback(host) && !(certificate && "disabled".equalsIgnoreCase(insecureRequests))) {
            LOG.warnf("INSECURE: listening on %s in plain text (%s=true): anyone on the way can read and change"
                    + " every call; for test benches only", host, INSECURE_SWITCH);
        }
    }
}
