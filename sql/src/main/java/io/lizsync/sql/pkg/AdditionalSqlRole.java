package io.lizsync.sql.pkg;

import io.lizsync.sql.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The role a package's additional SQL runs as on the clone, instead of the sidecar's own (often
 * superuser) login: {@code SET LOCAL ROLE} inside the deploy transaction, so the script still sees
 * the tables the deploy just created and everything still commits or rolls back together (ADR 0005).
 *
 * <p>This limits what a mistaken script can reach; it does not contain a hostile one, which could
 * switch back with {@code RESET ROLE} since the session's login may take any role it is a member of.
 * What stops a hostile script is the package signature: only central's packages are deployed.
 */
final class AdditionalSqlRole {

    private static final String SETTING = "lizsync.sync.deploy.additional-sql-role";

    private AdditionalSqlRole() {
    }

    /**
     * Refuses, before anything is touched, a role that does not exist, is a superuser (which would
     * make the setting pointless) or cannot be taken by this login.
     */
    static void check(Connection c, String role) throws SQLException, PackageRefusedException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT r.rolsuper, pg_has_role(current_user, r.oid, 'MEMBER') FROM pg_roles r WHERE r.rolname = ?")) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new PackageRefusedException("the role " + PackageArchive.quote(role) + " that runs the additional "
                            + "SQL (" + SETTING + ") does not exist on this clone: create it, or unset the setting");
                }
                if (rs.getBoolean(1)) {
                    throw new PackageRefusedException("the role " + PackageArchive.quote(role) + " that runs the additional "
                            + "SQL (" + SETTING + ") is a superuser on this clone: choose a role without superuser");
                }
                if (!rs.getBoolean(2)) {
                    throw new PackageRefusedException("the sidecar's database login cannot take the role "
                            + PackageArchive.quote(role) + " that runs the additional SQL (" + SETTING + "): "
                            + "GRANT it to the login");
                }
            }
        }
    }

    /** From here to {@link #leave}, statements of this transaction run as {@code role}. */
    static void enter(Connection c, String role) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET LOCAL ROLE " + Sql.ident(role));
        }
    }

    /**
     * Back to the login's own role. A script that changed the role itself is refused (and the
     * deploy rolled back): it did something the setting was meant to prevent.
     */
    static void leave(Connection c, String role) throws SQLException, PackageRefusedException {
        try (Statement st = c.createStatement()) {
            String now;
            try (ResultSet rs = st.executeQuery("SELECT current_user")) {
                rs.next();
                now = rs.getString(1);
            }
            if (!role.equals(now)) {
                throw new PackageRefusedException("the additional SQL file of the package changed the role it runs as "
                        + "(from " + PackageArchive.quote(role) + " to " + PackageArchive.quote(now)
                        + "), nothing was deployed");
            }
            st.execute("RESET ROLE");
        }
    }
}
