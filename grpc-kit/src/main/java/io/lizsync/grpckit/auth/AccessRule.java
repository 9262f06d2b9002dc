package io.lizsync.grpckit.auth;

import java.util.Set;

/** Who may call one RPC. */
public sealed interface AccessRule {

    /**
     * No token: the request itself carries the credential it checks (a password, an API token, a
     * session token), or the call answers nothing that needs one (health).
     */
    record Anyone() implements AccessRule {
    }

    /**
     * Not served by this process at all (it serves another surface of the service, e.g. only the
     * clones' exchange on the port exposed to the internet): refused with {@code why}, before any
     * credential is looked at.
     */
    record NotServed(String why) implements AccessRule {
    }

    /** A clone, by its per-clone credential, checked by the handler against the database. */
    record CloneCredential() implements AccessRule {
    }

    /** A verified access token holding at least one of these roles. */
    record AnyRole(Set<String> roles) implements AccessRule {

        public AnyRole {
            if (roles.isEmpty()) {
                throw new IllegalArgumentException("a rule needs at least one role");
            }
            for (String r : roles) {
                if (!Roles.ALL.contains(r) && !r.equals(LocalToken.ROLE)) {
                    throw new IllegalArgumentException("unknown role in an access rule: " + r);
                }
            }
            roles = Set.copyOf(roles);
        }
    }
}
