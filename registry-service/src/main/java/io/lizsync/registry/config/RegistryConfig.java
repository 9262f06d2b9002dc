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

    /** Access tokens: the signed tokens every service checks on every call. */
    AccessTokens accessTokens();

    /** Failed logins and token exchanges: how many, from one login or one address, before a pause. */
    Logins logins();

    /** The first administrator, made at start-up while no user holds that role. */
    Bootstrap bootstrap();

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

    /** Access tokens (ES256 JWTs, grpc-kit {@code AccessTokens}). */
    interface AccessTokens {

        /**
         * PEM file of the signing key (PKCS#8 P-256, {@code openssl genpkey -algorithm EC -pkeyopt
         * ec_paramgen_curve:P-256}); only the registry holds it. {@code LIZSYNC_REGISTRY_ACCESS_TOKENS_PRIVATE_KEY_FILE}.
         */
        java.nio.file.Path privateKeyFile();

        /**
         * PEM file of its public key, the one every service verifies with
         * ({@code LIZSYNC_AUTH_PUBLIC_KEY_FILE} for all of them).
         */
        java.nio.file.Path publicKeyFile();

        /** How long an access token is valid (default 10 minutes; callers ask for a new one). */
        @WithDefault("PT10M")
        Duration ttl();
    }

    /** Throttling of failed credentials. */
    interface Logins {

        /** Failures of one login within {@link #window()} after which its next tries are refused. */
        @WithDefault("5")
        int maxFailuresPerLogin();

        /** Failures from one address within {@link #window()} after which its next tries are refused. */
        @WithDefault("20")
        int maxFailuresPerAddress();

        /** The window failures are counted in; a refused login may try again when its oldest failure leaves it. */
        @WithDefault("PT15M")
        Duration window();
    }

    /** The first administrator. */
    interface Bootstrap {

        /** Login of the administrator made at start-up. */
        @WithDefault("admin")
        String adminLogin();

        /**
         * File holding its password (first line); when unset, or once any user holds the
         * administrator role, nothing is made. {@code LIZSYNC_REGISTRY_BOOTSTRAP_ADMIN_PASSWORD_FILE}.
         */
        java.util.Optional<java.nio.file.Path> adminPasswordFile();
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
