package io.lizsync.cli;

import java.io.IOException;

/**
 * The access token a clone's sidecar checks (it verifies access tokens locally, with the registry's
 * public key; it cannot exchange an API token or a session as the gateway does):
 * {@code $LIZSYNC_ACCESS_TOKEN} as given, else the one the gateway holds for the caller's API
 * token or session ({@code POST /api/v1/session/access-token}, minutes long).
 */
final class AccessTokens {

    private AccessTokens() {
    }

    /** The access token to send to a sidecar; null when the caller has no credential at all. */
    static String forSidecar(CliContext ctx, Options.Common common, Options.Gateway gateway) throws IOException {
        String given = ctx.env.get("LIZSYNC_ACCESS_TOKEN");
        if (given != null && !given.isBlank()) {
            return given.strip();
        }
        GatewayClient client = ctx.gateway(common, gateway);
        if (!client.authenticated()) {
            return null;
        }
        return client.post("/api/v1/session/access-token", null, GatewayClient.SHORT).get("accessToken").asText();
    }
}
