package io.lizsync.cli;

import io.grpc.ManagedChannel;
import io.lizsync.proto.registry.v1.IssueAccessTokenRequest;
import io.lizsync.proto.registry.v1.RegistryServiceGrpc;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The access token a clone's sidecar checks (it verifies access tokens locally, with the registry's
 * public key; it cannot exchange an API token or a session as the gateway does). {@code
 * $LIZSYNC_ACCESS_TOKEN} as given, else one registry-service issues for the API token
 * ({@code $LIZSYNC_API_TOKEN}, the file's) or for the kept session. The gateway has no endpoint
 * that hands the caller an access token yet, so this is the CLI's one call to registry-service.
 */
final class AccessTokens {

    private AccessTokens() {
    }

    /** The access token to send to a sidecar; null when the caller has no credential at all. */
    static String forSidecar(CliContext ctx, Options.Common common, String registryFlag) throws IOException {
        String given = ctx.env.get("LIZSYNC_ACCESS_TOKEN");
        if (given != null && !given.isBlank()) {
            return given.strip();
        }
        CliConfig config = ctx.config(common);
        String api = config.token(null, ctx.env);
        String session = api != null ? null : ctx.sessions().load().map(SessionStore.Session::token).orElse(null);
        if (api == null && session == null) {
            return null;
        }
        var request = api != null ? IssueAccessTokenRequest.newBuilder().setApiToken(api).build()
                : IssueAccessTokenRequest.newBuilder().setSessionToken(session).build();
        String registry = config.address("registry", registryFlag, ctx.env);
        ManagedChannel ch = Channels.open(registry, null, Channels.security(ctx.env));
        try {
            return RegistryServiceGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .issueAccessToken(request).getToken();
        } catch (io.grpc.StatusRuntimeException e) {
            throw Channels.explain(e, "registry", registry, "access token");
        } finally {
            ch.shutdownNow();
        }
    }
}
