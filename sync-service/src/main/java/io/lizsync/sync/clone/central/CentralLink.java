package io.lizsync.sync.clone.central;

import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.lizsync.grpckit.PrivateDirs;
import io.lizsync.sync.config.SyncConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * The sidecar's link to its central: the channels (the exchange, and central's administration
 * when it is served elsewhere), secured by grpc-kit's LinkSecurity, and the clone's exchange
 * credential kept in the state directory. {@link CentralClient} speaks the exchange over it.
 */
@ApplicationScoped
public class CentralLink {

    private static final Logger LOG = Logger.getLogger(CentralLink.class);

    private final SyncConfig config;
    private volatile ManagedChannel channel;
    private volatile ManagedChannel adminChannel;

    CentralLink(SyncConfig config) {
        this.config = config;
    }

    /** After a long outage the channel may be waiting out its reconnect backoff: try at once. */
    public void wakeUp() {
        // Only then: resetting a ready channel re-resolves the address and delays the next call.
        if (channel().getState(false) == io.grpc.ConnectivityState.TRANSIENT_FAILURE) {
            channel().resetConnectBackoff();
        }
    }

    /**
     * The first call of a session to central, tried once more when central was unavailable: right
     * after central restarts (a rolling update, a failover) the channel may still be failing on a
     * connection attempt begun while it was down, or waiting out its reconnect backoff.
     */
    <T> T onceMoreIfUnavailable(String what, java.util.function.Supplier<T> call) throws IOException {
        return onceMoreIfUnavailable(what, channel(), call);
    }

    <T> T onceMoreIfUnavailable(String what, ManagedChannel on, java.util.function.Supplier<T> call)
            throws IOException {
        try {
            return call.get();
        } catch (io.grpc.StatusRuntimeException e) {
            if (e.getStatus().getCode() != io.grpc.Status.Code.UNAVAILABLE) {
                throw e;
            }
            LOG.debugf("%s: central unavailable (%s), trying once more", what, e.getStatus().getDescription());
        }
        on.resetConnectBackoff();
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return call.get();
    }

    /** The channel to central's exchange. */
    public ManagedChannel channel() {
        ManagedChannel c = channel;
        if (c == null) {
            synchronized (this) {
                if (channel == null) {
                    channel = open(config.central().host(), config.central().port());
                }
                c = channel;
            }
        }
        return c;
    }

    /**
     * The channel to central's administration (GetToolsStatus, with an operator's token): the exchange's unless central serves it at another address
     * (LIZSYNC_SYNC_CENTRAL_ADMIN_HOST / _PORT), as when only the exchange faces the internet.
     */
    public ManagedChannel adminChannel() {
        String host = config.central().adminHost().orElse(config.central().host());
        int port = config.central().adminPort().orElse(config.central().port());
        if (host.equals(config.central().host()) && port == config.central().port()) {
            return channel();
        }
        ManagedChannel c = adminChannel;
        if (c == null) {
            synchronized (this) {
                if (adminChannel == null) {
                    adminChannel = open(host, port);
                }
                c = adminChannel;
            }
        }
        return c;
    }

    private ManagedChannel open(String host, int port) {
        return io.grpc.Grpc.newChannelBuilderForAddress(host, port, config.linkSecurity(config.central().caFile())
                .credentials(host, "central sync-service (LIZSYNC_SYNC_CENTRAL_CA_FILE)"))
                .maxInboundMessageSize(config.maxMessageBytes()).build();
    }

    /** The credential, from configuration or the sidecar's state directory. */
    String credential() {
        if (config.credential().isPresent() && !config.credential().get().isBlank()) {
            return config.credential().get().trim();
        }
        Path file = Path.of(config.stateDir(), "credential");
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new IllegalStateException("no exchange credential: attach or deploy this clone first (looked in "
                    + file + ")");
        }
    }

    /**
     * SHA-256 (hex) of the credential held now, or "" for none: tells whether a registration
     * replaced it, without keeping the credential anywhere else.
     */
    public String credentialFingerprint() {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(credential().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (IllegalStateException e) {
            return "";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Keeps the exchange credential in the state directory (mode 0600, written whole then renamed). */
    public void storeCredential(String credential) throws IOException {
        PrivateDirs.writeSecret(Path.of(config.stateDir()), "credential", credential);
    }

    /** The clone's exchange credential as call credentials (read from the state directory now). */
    CallCredentials credentials() {
        return io.lizsync.grpckit.auth.BearerCredentials.of(credential());
    }

    @PreDestroy
    void close() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (adminChannel != null) {
            adminChannel.shutdownNow();
        }
    }
}
