package io.lizsync.registry.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.lizsync.grpckit.auth.Roles;
import io.lizsync.registry.config.RegistryConfig;
import io.lizsync.registry.model.ApiToken;
import io.lizsync.registry.model.User;
import io.lizsync.registry.model.UserRole;
import io.lizsync.registry.repository.ApiTokenRepository;
import io.lizsync.registry.repository.UserRepository;
import io.lizsync.registry.repository.UserRoleRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;

/**
 * The account the other services act as, from {@code lizsync.registry.bootstrap.service-token-file}:
 * a user ({@code service-login}) holding the role {@code service} only, and the file's API token
 * (its SHA-256) for that user, named {@value #TOKEN_NAME}, scoped {@code role:service}, without
 * expiry. The services exchange that token (IssueAccessToken) for short-lived access tokens. Made
 * at start-up, idempotent across restarts; a file that is unreadable or malformed, or an account
 * the registry cannot trust, stops the start with the reason. The token is never logged.
 */
@ApplicationScoped
public class BootstrapServiceAccount {

    /** Name of the API token made from the file. */
    static final String TOKEN_NAME = "services";
    /** Its one scope: it acts with the role service. */
    static final String SCOPE = ApiTokenService.roleScope(Roles.SERVICE);
    private static final String FILE_KEY = "lizsync.registry.bootstrap.service-token-file";
    private static final Logger LOG = Logger.getLogger(BootstrapServiceAccount.class);

    private final UserRepository users;
    private final UserRoleRepository userRoles;
    private final ApiTokenRepository tokens;
    private final PasswordHasher hasher;

    public BootstrapServiceAccount(UserRepository users, UserRoleRepository userRoles, ApiTokenRepository tokens,
            PasswordHasher hasher) {
        this.users = users;
        this.userRoles = userRoles;
        this.tokens = tokens;
        this.hasher = hasher;
    }

    void onStart(@Observes StartupEvent event, RegistryConfig config) throws Throwable {
        if (config.bootstrap().serviceTokenFile().isPresent()) {
            ensure(config.bootstrap().serviceLogin(), config.bootstrap().serviceTokenFile().get());
        }
    }

    /** Makes (or checks) the account and its token; returns what was done, for the log and tests. */
    public String ensure(String login, Path file) throws Throwable {
        String tokenHash = Secrets.sha256Hex(readToken(file));
        boolean exists = VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(
                () -> users.findByLogin(login)).map(u -> u != null));
        // Nobody ever logs in with this password: it is random and forgotten at once.
        String passwordHash = exists ? null : hasher.hash(Secrets.newSecret("unusable_"));
        String outcome = VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(
                () -> account(login, passwordHash, file).chain(u -> token(u, tokenHash, file))));
        LOG.infof("services' account '%s': %s (token from %s)", login, outcome, file);
        return outcome;
    }

    /** The token on the first line of {@code file}, checked for the form of the registry's API tokens. */
    static String readToken(Path file) {
        String token;
        try {
            token = Files.readAllLines(file).stream().findFirst().orElse("").strip();
        } catch (IOException e) {
            throw new IllegalStateException("registry-service cannot read the services' API token file " + file
                    + " (" + FILE_KEY + "): " + e.getClass().getSimpleName(), e);
        }
        if (!Secrets.isWellFormed(Secrets.API_TOKEN_PREFIX, token)) {
            throw new IllegalStateException("the first line of the services' API token file " + file + " ("
                    + FILE_KEY + ") is not an API token: it must be '" + Secrets.API_TOKEN_PREFIX
                    + "' then 43 URL-safe base64 characters (32 random bytes), e.g. made with"
                    + " printf 'lzt_%s\\n' \"$(openssl rand 32 | basenc --base64url | tr -d '=')\"");
        }
        return token;
    }

    /** The user of that login, holding the role service and nothing else (made when missing). */
    private Uni<User> account(String login, String passwordHash, Path file) {
        return users.findByLogin(login).chain(u -> {
            if (u == null) {
                if (passwordHash == null) {
                    throw new IllegalStateException("the services' account '" + login
                            + "' disappeared while registry-service started; start it again");
                }
                User made = new User();
                made.id = UUID.randomUUID();
                made.login = login;
                made.displayName = "LizSync services";
                made.passwordHash = passwordHash;
                made.createdAt = TimeSource.now();
                return users.persist(made).call(saved -> userRoles.persist(new UserRole(saved.id, Roles.SERVICE)));
            }
            return userRoles.listByUsers(List.of(u.id)).chain(rows -> {
                List<String> others = rows.stream().map(r -> r.roleName).filter(r -> !r.equals(Roles.SERVICE)).toList();
                if (!others.isEmpty()) {
                    throw new IllegalStateException("the login '" + login + "' (lizsync.registry.bootstrap.service-login)"
                            + " holds roles besides service (" + String.join(", ", others) + "): registry-service"
                            + " will not hand the services' token (" + file + ") to it; choose another login");
                }
                if (u.disabled) {
                    LOG.warnf("the services' account '%s' is disabled: its API token gets no access token", login);
                }
                return rows.isEmpty() ? userRoles.persist(new UserRole(u.id, Roles.SERVICE)).replaceWith(u)
                        : Uni.createFrom().item(u);
            });
        });
    }

    /** The file's token for that user; refuses one registered otherwise (another user, revoked, expired, other roles). */
    private Uni<String> token(User u, String tokenHash, Path file) {
        return tokens.findByHash(tokenHash).chain(t -> {
            if (t == null) {
                ApiToken made = new ApiToken();
                made.id = UUID.randomUUID();
                made.userId = u.id;
                made.name = TOKEN_NAME;
                made.scopes = SCOPE;
                made.tokenHash = tokenHash;
                made.createdAt = TimeSource.now();
                return tokens.persist(made).map(saved -> "API token " + saved.id + " registered");
            }
            boolean usable = t.userId.equals(u.id) && t.isActive(TimeSource.now())
                    && ApiTokenService.grants(t.scopeList(), SCOPE);
            if (!usable) {
                throw new IllegalStateException("the API token in " + file + " (" + FILE_KEY + ") is already"
                        + " registered, but not as the services' token (another user, revoked, expired or"
                        + " without role:service): write a new token in the file");
            }
            return Uni.createFrom().item("in place (API token " + t.id + ")");
        });
    }
}
