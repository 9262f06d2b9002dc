package io.lizsync.registry.service;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import io.lizsync.registry.error.InvalidArgumentException;
import io.lizsync.registry.error.NotFoundException;
import io.lizsync.registry.error.PermissionDeniedException;
import io.lizsync.registry.error.UnauthenticatedException;
import io.lizsync.registry.model.ApiToken;
import io.lizsync.registry.repository.ApiTokenRepository;
import io.lizsync.registry.repository.UserRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * API tokens for scripts: a user identity plus scopes. The clear token exists only in the answer to
 * {@link #create}; the table keeps its SHA-256.
 *
 * <p>Scopes are words such as {@code packages:read}. A granted scope {@code *} covers everything and
 * {@code packages:*} covers every {@code packages:...} scope. The roles an API token acts with are
 * those of its user that its scopes grant: {@code role:operator}, {@code role:*} or {@code *}
 * ({@link #rolesGranted}); the access tokens it is exchanged for carry those roles only.
 */
@ApplicationScoped
public class ApiTokenService {

    static final String INVALID = "invalid, revoked or expired API token";
    private static final Pattern SCOPE = Pattern.compile("[A-Za-z0-9._:*-]{1,100}");
    private static final Duration USE_RECORD_INTERVAL = Duration.ofMinutes(1);

    private final ApiTokenRepository tokens;
    private final UserRepository users;
    private final UserService userService;

    public ApiTokenService(ApiTokenRepository tokens, UserRepository users, UserService userService) {
        this.tokens = tokens;
        this.users = users;
        this.userService = userService;
    }

    /** A new token and its clear value, to be shown once. */
    public record Created(ApiToken token, String secret) {
        @Override
        public String toString() {
            return "Created[" + token.id + "]"; // never the secret
        }
    }

    /** A successful verification. */
    public record Verified(ApiToken token, UserService.UserWithRoles user) {
    }

    @WithTransaction
    public Uni<Created> create(UUID userId, String name, List<String> scopes, long ttlSeconds) {
        String cleanName = Validation.name(name, "token name", 200);
        if (scopes.isEmpty()) {
            throw new InvalidArgumentException("at least one scope is required");
        }
        TreeSet<String> cleanScopes = new TreeSet<>();
        for (String s : scopes) {
            if (s == null || !SCOPE.matcher(s).matches()) {
                throw new InvalidArgumentException("scope '" + Validation.abbreviate(String.valueOf(s))
                        + "' is not made of 1 to 100 letters, digits or . _ : * -");
            }
            cleanScopes.add(s);
        }
        if (ttlSeconds < 0) {
            throw new InvalidArgumentException("ttl_seconds must not be negative");
        }
        return users.findById(userId).chain(u -> {
            if (u == null) {
                throw new NotFoundException("user " + userId + " not found");
            }
            String secret = Secrets.newSecret(Secrets.API_TOKEN_PREFIX);
            ApiToken t = new ApiToken();
            t.id = UUID.randomUUID();
            t.userId = userId;
            t.name = cleanName;
            t.scopes = String.join(" ", cleanScopes);
            t.tokenHash = Secrets.sha256Hex(secret);
            t.createdAt = TimeSource.now();
            t.expiresAt = ttlSeconds == 0 ? null : t.createdAt.plusSeconds(ttlSeconds);
            return tokens.persist(t).map(saved -> new Created(saved, secret));
        });
    }

    @WithSession
    public Uni<List<ApiToken>> list(UUID userId, boolean includeInactive) {
        return tokens.list(userId, includeInactive, TimeSource.now());
    }

    @WithTransaction
    public Uni<ApiToken> revoke(UUID id) {
        return tokens.findById(id).map(t -> {
            if (t == null) {
                throw new NotFoundException("API token " + id + " not found");
            }
            if (t.revokedAt == null) {
                t.revokedAt = TimeSource.now();
            }
            return t;
        });
    }

    @WithTransaction
    public Uni<Verified> verify(String secret, String requiredScope) {
        if (secret == null || secret.isEmpty()) {
            throw new UnauthenticatedException(INVALID);
        }
        Instant now = TimeSource.now();
        return tokens.findByHash(Secrets.sha256Hex(secret))
                .invoke(t -> {
                    if (t == null || !t.isActive(now)) {
                        throw new UnauthenticatedException(INVALID);
                    }
                })
                .chain(t -> users.findById(t.userId).chain(u -> {
                    if (u == null || u.disabled) {
                        throw new UnauthenticatedException(INVALID);
                    }
                    if (requiredScope != null && !requiredScope.isEmpty() && !grants(t.scopeList(), requiredScope)) {
                        throw new PermissionDeniedException("API token '" + t.name + "' lacks scope '"
                                + Validation.abbreviate(requiredScope) + "'");
                    }
                    if (t.lastUsedAt == null || t.lastUsedAt.plus(USE_RECORD_INTERVAL).isBefore(now)) {
                        t.lastUsedAt = now;
                    }
                    return userService.withRoles(u).map(withRoles -> new Verified(t, withRoles));
                }));
    }

    /** The scope that lets an API token act with {@code role}. */
    static String roleScope(String role) {
        return "role:" + role;
    }

    /**
     * The user's roles an API token with {@code scopes} acts with: those its scopes grant
     * ({@code role:<name>}, {@code role:*}, {@code *}), in the user's order; none when its scopes
     * name areas only (such a token is refused an access token).
     */
    static java.util.List<String> rolesGranted(java.util.List<String> userRoles, java.util.List<String> scopes) {
        return userRoles.stream().filter(r -> grants(scopes, roleScope(r))).toList();
    }

    /** Whether granted scopes cover a required one ({@code *} and {@code prefix:*} wildcards). */
    static boolean grants(List<String> granted, String required) {
        for (String g : granted) {
            if (g.equals(required) || g.equals("*")) {
                return true;
            }
            if (g.endsWith(":*") && required.startsWith(g.substring(0, g.length() - 1))) {
                return true;
            }
        }
        return false;
    }
}
