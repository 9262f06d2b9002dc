package io.lizsync.registry.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Typed configuration of registry-service ({@code lizsync.registry.*}). */
@ConfigMapping(prefix = "lizsync.registry")
public interface RegistryConfig {

    /** Password rules and hashing. */
    Passwords passwords();

    /** Login sessions (bearer tokens returned by Authenticate). */
    Sessions sessions();

    /** List paging. */
    Paging paging();

    /**
     * Largest gRPC message of this service's calls (default 8 MiB): the server's
     * {@code quarkus.grpc.server.max-inbound-message-size} (application.properties refers to this
     * key; the Vert.x server's own default is 256 KiB). Its answers stay far below: a page holds
     * at most {@code paging.max-page-size} records of a few hundred bytes.
     */
    @WithDefault("8388608")
    int maxMessageBytes();

    /** Password rules and hashing. */
    interface Passwords {

        /** PBKDF2-HMAC-SHA256 iterations for new hashes (stored hashes keep their own count). */
        @WithDefault("310000")
        int pbkdf2Iterations();

        /** Minimum password length (in characters). */
        @WithDefault("8")
        int minLength();
    }

    /** Login sessions. */
    interface Sessions {

        /** Lifetime of a session when the caller asks for none. */
        @WithDefault("PT1H")
        Duration defaultTtl();

        /** Longest lifetime a caller may ask for. */
        @WithDefault("PT24H")
        Duration maxTtl();
    }

    /** List paging. */
    interface Paging {

        /** Page size when the caller asks for none. */
        @WithDefault("100")
        int defaultPageSize();

        /** Largest page size a caller may ask for. */
        @WithDefault("1000")
        int maxPageSize();
    }
}
