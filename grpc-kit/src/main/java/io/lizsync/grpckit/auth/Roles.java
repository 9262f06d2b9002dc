package io.lizsync.grpckit.auth;

import java.util.Set;

/**
 * The role names every service's access table speaks of (registry-service owns which user holds
 * which). {@link #SERVICE} is held by the services themselves, for the calls they make to each other.
 */
public final class Roles {

    /** Everything: users, tokens, servers, the tools, conflicts. */
    public static final String ADMINISTRATOR = "administrator";
    /** Packages, deploys, synchronisations, files, conflicts. */
    public static final String OPERATOR = "operator";
    /** Field users: their devices and the projects granted to them. */
    public static final String FIELD = "field";
    /** A LizSync service calling another one. */
    public static final String SERVICE = "service";

    /**
     * Every role a user or service may hold (a policy may also name {@link LocalToken#ROLE}, which
     * only the holder of a process's local token gets, never an access token).
     */
    public static final Set<String> ALL = Set.of(ADMINISTRATOR, OPERATOR, FIELD, SERVICE);

    private Roles() {
    }
}
