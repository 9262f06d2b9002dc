package io.lizsync.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;

/** The gateway's settings ({@code lizsync.gateway.*}). */
@ConfigMapping(prefix = "lizsync.gateway")
public interface GatewayConfig {

    /** Largest answer the gateway takes from a service (every gRPC client's inbound limit). */
    @WithDefault("16777216")
    int maxMessageBytes();

    /**
     * The registry's public key (PEM): the gateway verifies access tokens itself, as every service
     * does ({@code LIZSYNC_AUTH_PUBLIC_KEY_FILE}, the same file for all).
     */
    Path authPublicKeyFile();

    /** How many exchanged credentials (API tokens, sessions) the gateway keeps until their access token expires. */
    @WithDefault("10000")
    int credentialCacheSize();

    /** Longest wait for a call that does heavy work in one answer (install, prepare). */
    @WithDefault("PT30M")
    Duration longCallTimeout();

    /** Default and largest page of the lists. */
    @WithDefault("50")
    int defaultPageSize();

    @WithDefault("500")
    int maxPageSize();

    /** The device flow's checks ({@code lizsync.gateway.devices.*}). */
    Devices devices();

    /** The device flow's checks (ADR 0021). */
    interface Devices {

        /**
         * How long the registry's answers to a device request's checks (the caller's projects, a
         * project's layers, the device's owner and state) are kept: a grant revoked or a device
         * blocked other than through this gateway is refused at most this late. 0 asks every time.
         */
        @WithDefault("PT5S")
        Duration checksTtl();

        /** How many such answers are kept. */
        @WithDefault("10000")
        int checksCacheSize();
    }

    /** The web dashboard ({@code ui/}). */
    Dashboard dashboard();

    /** The dashboard's thresholds and refresh ({@code lizsync.gateway.dashboard.*}). */
    interface Dashboard {

        /** A clone without contact for longer than this is "silent". */
        @WithDefault("PT1H")
        Duration silentAfter();

        /** A clone whose oldest unsent edit is older than this is "behind" (as is one with changes waiting). */
        @WithDefault("PT15M")
        Duration behindAfter();

        /** How often the overview's shared poller asks central while someone watches. */
        @WithDefault("PT2S")
        Duration refresh();
    }
}
