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
