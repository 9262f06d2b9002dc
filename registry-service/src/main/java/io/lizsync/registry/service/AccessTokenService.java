package io.lizsync.registry.service;

import jakarta.enterprise.context.ApplicationScoped;

import io.lizsync.registry.error.InvalidArgumentException;
import io.lizsync.registry.error.PermissionDeniedException;
import io.lizsync.registry.error.UnauthenticatedException;
import io.smallrye.mutiny.Uni;

/**
 * Exchanges a session token or an API token for an access token. Failures count against the
 * caller's address ({@link Logins}); the message never says which credential was wrong.
 */
@ApplicationScoped
public class AccessTokenService {

    private final UserService users;
    private final ApiTokenService apiTokens;
    private final AccessTokenIssuer issuer;
    private final Logins logins;

    public AccessTokenService(UserService users, ApiTokenService apiTokens, AccessTokenIssuer issuer, Logins logins) {
        this.users = users;
        this.apiTokens = apiTokens;
        this.issuer = issuer;
        this.logins = logins;
    }

    /** Exactly one of the two credentials (the other empty or null). */
    public Uni<AccessTokenIssuer.Issued> exchange(String sessionToken, String apiToken, String address) {
        boolean session = sessionToken != null && !sessionToken.isEmpty();
        boolean api = apiToken != null && !apiToken.isEmpty();
        if (session == api) {
            throw new InvalidArgumentException("give exactly one credential: a session token or an API token");
        }
        logins.check(null, address);
        Uni<UserService.UserWithRoles> user = session ? users.userForToken(sessionToken)
                : apiTokens.verify(apiToken, "").map(AccessTokenService::scoped);
        return user.onFailure(UnauthenticatedException.class).invoke(() -> logins.failed(null, address))
                .map(issuer::issue);
    }

    /**
     * The user an API token acts as, with the roles its scopes grant only: a token made for a
     * nightly package build acts as an operator even when its user is an administrator.
     */
    static UserService.UserWithRoles scoped(ApiTokenService.Verified verified) {
        var roles = ApiTokenService.rolesGranted(verified.user().roles(), verified.token().scopeList());
        if (roles.isEmpty()) {
            throw new PermissionDeniedException("API token '" + verified.token().name + "' grants none of its user's"
                    + " roles (" + String.join(", ", verified.user().roles()) + "): its scopes must name one, e.g. "
                    + ApiTokenService.roleScope("operator") + " (or role:*)");
        }
        return new UserService.UserWithRoles(verified.user().user(), roles);
    }

    /** The access token that goes with a fresh session (Authenticate). */
    public AccessTokenIssuer.Issued forSession(UserService.OpenedSession session) {
        return issuer.issue(session.user());
    }
}
