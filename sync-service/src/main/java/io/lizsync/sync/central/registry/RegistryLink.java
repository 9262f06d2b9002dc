package io.lizsync.sync.central.registry;

import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lizsync.grpckit.auth.ServiceToken;
import io.lizsync.proto.registry.v1.IssueAccessTokenRequest;
import io.lizsync.proto.registry.v1.RegistryServiceGrpc;
import io.lizsync.sync.central.exchange.service.ExchangeException;
import io.lizsync.sync.central.exchange.service.ExchangeException.Reason;
import io.lizsync.sync.config.SyncConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Central's link to registry-service and its own identity towards the other services (ADR 0013):
 * the channel to registry (TLS verified against {@code lizsync.sync.registry.ca-file}), and this
 * service's access token (role service), exchanged there from the services' API token in
 * {@code lizsync.sync.registry.token-file} and renewed before it expires.
 */
@ApplicationScoped
public class RegistryLink {

    private final SyncConfig sync;
    private final SyncConfig.Registry config;
    private final ServiceToken token;
    private volatile ManagedChannel channel;

    RegistryLink(SyncConfig sync) {
        this.sync = sync;
        this.config = sync.registry();
        this.token = new ServiceToken(this::exchangeApiToken);
    }

    /** This service's access token for the next call (exchanged now if needed, on the caller's thread). */
    public CallCredentials credentials() {
        return token.credentials();
    }

    /** Forgets the token (a service refused it): the next call exchanges the API token again. */
    public void invalidate() {
        token.invalidate();
    }

    /** Deadline of a call to registry (seconds). */
    public int deadlineSeconds() {
        return config.deadlineSeconds();
    }

    public ManagedChannel channel() {
        ManagedChannel c = channel;
        if (c == null) {
            synchronized (this) {
                if (channel == null) {
                    channel = io.grpc.Grpc.newChannelBuilderForAddress(config.host(), config.port(),
                            sync.linkSecurity(config.caFile()).credentials(config.host(),
                                    "registry-service (LIZSYNC_SYNC_REGISTRY_CA_FILE)"))
                            .maxInboundMessageSize(sync.maxMessageBytes()).build();
                }
                c = channel;
            }
        }
        return c;
    }

    /** The API token exchanged for an access token (the file read each time: a rotated Secret is picked up). */
    private ServiceToken.Issued exchangeApiToken() {
        Path file = config.tokenFile().orElseThrow(() -> new ExchangeException(Reason.UNAVAILABLE,
                "central's sync-service has no token for registry-service (lizsync.sync.registry.token-file,"
                        + " LIZSYNC_SYNC_REGISTRY_TOKEN_FILE): no clone can be checked"));
        String apiToken;
        try {
            apiToken = Files.readAllLines(file).stream().findFirst().orElse("").strip();
        } catch (IOException e) {
            throw new ExchangeException(Reason.UNAVAILABLE, "central's sync-service cannot read its registry token file "
                    + file + " (LIZSYNC_SYNC_REGISTRY_TOKEN_FILE)");
        }
        try {
            var issued = RegistryServiceGrpc.newBlockingStub(channel())
                    .withDeadlineAfter(config.deadlineSeconds(), TimeUnit.SECONDS)
                    .issueAccessToken(IssueAccessTokenRequest.newBuilder().setApiToken(apiToken).build());
            return new ServiceToken.Issued(issued.getToken(),
                    Instant.ofEpochSecond(issued.getExpiresAt().getSeconds(), issued.getExpiresAt().getNanos()));
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.UNAUTHENTICATED) {
                throw new ExchangeException(Reason.UNAVAILABLE, "registry-service refused central's service token"
                        + " (LIZSYNC_SYNC_REGISTRY_TOKEN_FILE, " + file + ")");
            }
            throw new ExchangeException(Reason.UNAVAILABLE, "registry-service could not issue central's access token: "
                    + e.getStatus().getCode() + "; try again later");
        }
    }

    @PreDestroy
    void close() {
        if (channel != null) {
            channel.shutdownNow();
        }
    }
}
