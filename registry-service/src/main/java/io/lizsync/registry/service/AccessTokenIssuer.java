package io.lizsync.registry.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;

import jakarta.enterprise.context.ApplicationScoped;

import io.lizsync.grpckit.auth.AccessTokens;
import io.lizsync.grpckit.auth.KeyFiles;
import io.lizsync.registry.config.RegistryConfig;

/**
 * Signs the access tokens of authenticated users with the registry's private key
 * ({@code lizsync.registry.access-tokens.private-key-file}); the services verify them with its
 * public key. A missing or unreadable key stops the registry at start-up, with the file named.
 */
@ApplicationScoped
public class AccessTokenIssuer {

    /** A signed token and its expiry; {@link #toString()} never shows the token. */
    public record Issued(String token, Instant expiresAt, UserService.UserWithRoles user) {
        @Override
        public String toString() {
            return "Issued[" + user.user() + ", expires " + expiresAt + "]";
        }
    }

    private final AccessTokens.Signer signer;
    private final RegistryConfig config;

    public AccessTokenIssuer(RegistryConfig config) {
        this.config = config;
        try {
            this.signer = new AccessTokens.Signer(KeyFiles.readPrivate(config.accessTokens().privateKeyFile()),
                    Clock.systemUTC());
        } catch (IOException e) {
            throw new UncheckedIOException("registry-service cannot read its access token key"
                    + " (lizsync.registry.access-tokens.private-key-file): " + e.getMessage(), e);
        }
    }

    public Issued issue(UserService.UserWithRoles user) {
        Instant expires = Instant.now().plus(config.accessTokens().ttl());
        String token = signer.sign(user.user().id.toString(), user.user().login, new LinkedHashSet<>(user.roles()),
                config.accessTokens().ttl());
        return new Issued(token, expires, user);
    }
}
