package io.lizsync.registry.service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.lizsync.registry.config.RegistryConfig;
import io.lizsync.registry.error.AlreadyExistsException;
import io.lizsync.registry.error.InvalidArgumentException;
import io.lizsync.registry.error.NotFoundException;
import io.lizsync.registry.error.UnauthenticatedException;
import io.lizsync.registry.model.Role;
import io.lizsync.registry.model.User;
import io.lizsync.registry.model.UserRole;
import io.lizsync.registry.model.UserSession;
import io.lizsync.registry.repository.RoleRepository;
import io.lizsync.registry.repository.UserRepository;
import io.lizsync.registry.repository.UserRoleRepository;
import io.lizsync.registry.repository.UserSessionRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Rules for users, roles and login sessions. Passwords are hashed with PBKDF2 on a worker thread
 * (never on the event loop, never while a database session is open) and never logged.
 */
@ApplicationScoped
public class UserService {

    /** A failed login says no more than this, whatever the reason. */
    static final String BAD_LOGIN = "invalid login or password";
    static final String BAD_SESSION = "invalid or expired session token";

    private final UserRepository users;
    private final RoleRepository roles;
    private final UserRoleRepository userRoles;
    private final UserSessionRepository sessions;
    private final PasswordHasher hasher;
    private final RegistryConfig config;
    private final Logins logins;
    private final Vertx vertx;

    public UserService(UserRepository users, RoleRepository roles, UserRoleRepository userRoles,
            UserSessionRepository sessions, PasswordHasher hasher, RegistryConfig config, Logins logins, Vertx vertx) {
        this.users = users;
        this.roles = roles;
        this.userRoles = userRoles;
        this.sessions = sessions;
        this.hasher = hasher;
        this.config = config;
        this.logins = logins;
        this.vertx = vertx;
    }

    /** A user with its role names (sorted). */
    public record UserWithRoles(User user, List<String> roles) {
    }

    /** An open session: the clear token (shown once), its expiry and its user. */
    public record OpenedSession(String token, Instant expiresAt, UserWithRoles user) {
        @Override
        public String toString() {
            return "OpenedSession[" + user.user() + ", expires " + expiresAt + "]"; // never the token
        }
    }

    /** What CreateUser asks for. The password is never kept beyond hashing. */
    public record NewUser(String login, String password, String displayName, String email, List<String> roles) {
        @Override
        public String toString() {
            return "NewUser[" + login + "]";
        }
    }

    public Uni<UserWithRoles> create(NewUser request) {
        String login = Validation.name(request.login(), "login", 200);
        String displayName = Validation.text(request.displayName(), "display name", 200);
        String email = Validation.text(request.email(), "email", 320);
        String password = request.password() == null ? "" : request.password();
        int minLength = config.passwords().minLength();
        if (password.codePointCount(0, password.length()) < minLength) {
            throw new InvalidArgumentException("password must have at least " + minLength + " characters");
        }
        if (password.length() > 1024) {
            throw new InvalidArgumentException("password is longer than 1024 characters");
        }
        Set<String> roleNames = new TreeSet<>();
        for (String r : request.roles()) {
            roleNames.add(Validation.name(r, "role name", 100));
        }
        return blocking(() -> hasher.hash(password))
                .chain(hash -> Panache.withTransaction(() -> users.findByLogin(login)
                        .invoke(existing -> {
                            if (existing != null) {
                                throw new AlreadyExistsException("a user with login '" + login + "' already exists");
                            }
                        })
                        .chain(() -> requireRoles(roleNames))
                        .chain(() -> {
                            User u = new User();
                            u.id = UUID.randomUUID();
                            u.login = login;
                            u.displayName = displayName.isEmpty() ? login : displayName;
                            u.email = email;
                            u.passwordHash = hash;
                            u.createdAt = TimeSource.now();
                            return users.persist(u);
                        })
                        .call(u -> Persist.all(userRoles, roleNames.stream().map(r -> new UserRole(u.id, r)).toList()))
                        .map(u -> new UserWithRoles(u, List.copyOf(roleNames)))));
    }

    /** Fails with INVALID_ARGUMENT naming the first unknown role. */
    Uni<Void> requireRoles(Collection<String> names) {
        return roles.existingNames(names).invoke(existing -> {
            for (String n : names) {
                if (!existing.contains(n)) {
                    throw new InvalidArgumentException("role '" + n + "' does not exist");
                }
            }
        }).replaceWithVoid();
    }

    /**
     * Checks a login and password and opens a session. Unknown login, wrong password and disabled
     * user all fail the same way, after the same amount of hashing work. Too many failures for the
     * login or from {@code address} (null when unknown) refuse further tries for a while, before
     * any hashing ({@link Logins}).
     */
    public Uni<OpenedSession> authenticate(String login, String password, int ttlSeconds, UUID deviceId,
            String address) {
        if (ttlSeconds < 0) {
            throw new InvalidArgumentException("ttl_seconds must not be negative");
        }
        Duration ttl = ttlSeconds == 0 ? config.sessions().defaultTtl() : Duration.ofSeconds(ttlSeconds);
        if (ttl.compareTo(config.sessions().maxTtl()) > 0) {
            ttl = config.sessions().maxTtl();
        }
        Duration lifetime = ttl;
        String clearPassword = password == null ? "" : password;
        String cleanLogin = login == null ? "" : login;
        logins.check(cleanLogin, address);
        return Panache.withSession(() -> users.findByLogin(cleanLogin))
                .chain(user -> blocking(() -> {
                    if (user == null) {
                        hasher.burnVerification(clearPassword);
                        return null;
                    }
                    return hasher.verify(clearPassword, user.passwordHash) && !user.disabled ? user : null;
                }))
                .chain(user -> {
                    if (user == null) {
                        throw new UnauthenticatedException(BAD_LOGIN);
                    }
                    String token = Secrets.newSecret(Secrets.SESSION_PREFIX);
                    UserSession s = new UserSession();
                    s.id = UUID.randomUUID();
                    s.userId = user.id;
                    s.tokenHash = Secrets.sha256Hex(token);
                    s.deviceId = deviceId;
                    s.createdAt = TimeSource.now();
                    s.expiresAt = s.createdAt.plus(lifetime);
                    // Sessions that ended or expired a day ago are of no use: each login sweeps them,
                    // so the table stays bounded without a scheduler.
                    return Panache.withTransaction(() -> sessions.purge(s.createdAt.minus(Duration.ofDays(1)))
                            .chain(() -> sessions.persist(s))
                            .chain(saved -> withRoles(user))
                            .map(u -> new OpenedSession(token, s.expiresAt, u)));
                })
                .onFailure(UnauthenticatedException.class).invoke(() -> logins.failed(cleanLogin, address))
                .invoke(() -> logins.succeeded(cleanLogin));
    }

    @WithSession
    public Uni<UserWithRoles> userForToken(String token) {
        if (token == null || token.isEmpty()) {
            throw new UnauthenticatedException(BAD_SESSION);
        }
        return sessions.findOpen(Secrets.sha256Hex(token), TimeSource.now())
                .chain(s -> s == null ? Uni.createFrom().<User>nullItem() : users.findById(s.userId))
                .chain(u -> {
                    if (u == null || u.disabled) {
                        throw new UnauthenticatedException(BAD_SESSION);
                    }
                    return withRoles(u);
                });
    }

    @WithTransaction
    public Uni<Boolean> logout(String token) {
        if (token == null || token.isEmpty()) {
            return Uni.createFrom().item(false);
        }
        return sessions.end(Secrets.sha256Hex(token), TimeSource.now()).map(n -> n > 0);
    }

    @WithSession
    public Uni<PageRequest.Page<UserWithRoles>> list(PageRequest page) {
        return users.list(page.offset(), page.lastIndexInclusive())
                .map(page::toPage)
                .chain(p -> withRoles(p.items()).map(items -> new PageRequest.Page<>(items, p.nextPageToken())));
    }

    @WithSession
    public Uni<UserWithRoles> get(UUID id) {
        return users.findById(id).chain(u -> {
            if (u == null) {
                throw new NotFoundException("user " + id + " not found");
            }
            return withRoles(u);
        });
    }

    Uni<UserWithRoles> withRoles(User u) {
        return withRoles(List.of(u)).map(list -> list.get(0));
    }

    Uni<List<UserWithRoles>> withRoles(List<User> list) {
        List<UUID> ids = list.stream().map(u -> u.id).toList();
        return userRoles.listByUsers(ids).map(rows -> {
            Map<UUID, List<String>> byUser = rows.stream().collect(Collectors.groupingBy(r -> r.userId,
                    Collectors.mapping(r -> r.roleName, Collectors.toList())));
            List<UserWithRoles> out = new ArrayList<>(list.size());
            for (User u : list) {
                out.add(new UserWithRoles(u, byUser.getOrDefault(u.id, List.of()).stream().sorted().toList()));
            }
            return out;
        });
    }

    @WithTransaction
    public Uni<Role> createRole(String name, String description) {
        String cleanName = Validation.name(name, "role name", 100);
        String cleanDescription = Validation.text(description, "description", 2000);
        return roles.findById(cleanName).chain(existing -> {
            if (existing != null) {
                throw new AlreadyExistsException("a role named '" + cleanName + "' already exists");
            }
            Role r = new Role();
            r.name = cleanName;
            r.description = cleanDescription;
            r.createdAt = TimeSource.now();
            return roles.persist(r);
        });
    }

    @WithSession
    public Uni<List<Role>> listRoles() {
        return roles.listSorted();
    }

    /** Role names of a user, for project visibility. */
    Uni<Set<String>> roleNames(UUID userId) {
        return userRoles.listByUsers(List.of(userId))
                .map(rows -> rows.stream().map(r -> r.roleName).collect(Collectors.toCollection(LinkedHashSet::new)));
    }

    /** Runs slow CPU work (PBKDF2) on a worker thread; the result comes back on the caller's context. */
    private <T> Uni<T> blocking(java.util.function.Supplier<T> work) {
        return vertx.executeBlocking(Uni.createFrom().item(work), false);
    }
}
